"""ASGI entry point for servers: `uvicorn app.asgi:app`."""

import os

os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")

from app.main import create_app

app = create_app()
