"""The simulated printer's raster receipts (Chinese, Korean) as images, for the admin page
that lists what a sim:// printer printed."""

from __future__ import annotations

import re

from litestar import get
from litestar.params import FromPath
from litestar.response import File

from app.auth.capabilities import Capability
from app.errors import NotFound
from app.settings import get_settings
from app.terminals import services as terminals
from app.web.guards import requires

_JOB_NAME = re.compile(r"^\d{6}-\d{8}T\d{6}$")


@get("/admin/terminals/{terminal_id:int}/receipt-images/{name:str}",
     name="admin.terminals.receipt_image", guards=[requires(Capability.MANAGE_TERMINALS)])
async def receipt_image(terminal_id: FromPath[int], name: FromPath[str]) -> File:
    terminal = await terminals.get_terminal(terminal_id)
    path = get_settings().sim_dir / str(terminal["code"]) / "printer" / f"{name}.png"
    if not _JOB_NAME.match(name) or not path.is_file():
        raise NotFound("No such printed receipt image.")
    return File(path=path, media_type="image/png", content_disposition_type="inline")


ROUTES = [receipt_image]
