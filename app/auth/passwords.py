"""Password and PIN hashing with argon2id (argon2-cffi), and the rules they must meet."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
PIN_LENGTHS = range(4, 9)

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("faredesk-timing-equaliser")


#: argon2 is deliberately slow: it runs here, never on the event loop, at most HASH_WORKERS at
#: a time, so a sign-in flood cannot slow the counter (issue 9 item 9).
HASH_WORKERS = 2
_hash_pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="faredesk-hash")


async def off_loop(function: Any, *args: Any) -> Any:
    """Run a hashing function in the bounded hash pool."""
    return await asyncio.get_running_loop().run_in_executor(_hash_pool, function, *args)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.strip() != password or not password.strip():
        return "Do not start or end the password with spaces."
    return None


def pin_problem(pin: str) -> str | None:
    if not pin.isdigit() or not pin.isascii() or len(pin) not in PIN_LENGTHS:
        return "A PIN is 4 to 8 digits."
    if len(set(pin)) == 1:
        return "Choose a PIN that is not one digit repeated."
    return None


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
