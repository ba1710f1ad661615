"""A small keep-alive HTTP/1.1 client for driving load: one connection, one request at a time.

Why not httpx: the load generator shares the machine's two cores with the server it measures,
and httpx spends about 2 ms of CPU per request (about as much as the server's own routing),
so the measurement slowed down what it measured. This client does what a browser's kiosk tab
does on the wire (keep-alive, cookies, form posts) in a fraction of that, like wrk would.

It understands exactly what the faredesk server sends: a status line, headers and a body with
Content-Length (or chunked), Set-Cookie with a name=value pair. It is not a general client.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]  # lower-case names; the last value wins
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class HttpClient:
    """One keep-alive connection to `base_url` with a cookie jar (no paths, no expiry)."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self._writer.wait_closed()
            self._reader = self._writer = None

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return await self.request("GET", path, headers=headers)

    async def post(self, path: str, data: dict[str, str],
                   headers: dict[str, str] | None = None) -> Reply:
        return await self.request("POST", path, body=urlencode(data).encode(), headers={
            **(headers or {}), "content-type": "application/x-www-form-urlencoded"})

    async def request(self, method: str, path: str, *, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> Reply:
        return await asyncio.wait_for(self._exchange(method, path, body, headers or {}),
                                      self.timeout)

    async def _exchange(self, method: str, path: str, body: bytes,
                        headers: dict[str, str]) -> Reply:
        reused = self._writer is not None
        try:
            return await self._send(method, path, body, headers)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            # The server closes a keep-alive connection that sat idle (uvicorn: 5 s). Like a
            # browser, send again on a new connection -- only when nothing came back.
            partial = getattr(exc, "partial", b"")
            await self.close()
            if not reused or partial:
                raise
            return await self._send(method, path, body, headers)

    async def _send(self, method: str, path: str, body: bytes,
                    headers: dict[str, str]) -> Reply:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}",
                 f"content-length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if self.cookies:
            lines.append("cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        reply = await self._read_reply(self._reader)
        if reply.headers.get("connection", "").lower() == "close":
            await self.close()
        return reply

    async def _read_reply(self, reader: asyncio.StreamReader) -> Reply:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._take_cookie(value)
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._read_chunked(reader)
        else:
            body = await reader.readexactly(int(headers.get("content-length", "0")))
        return Reply(status, headers, body)

    @staticmethod
    async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return b"".join(chunks)
            chunks.append(chunk[:-2])

    def _take_cookie(self, header: str) -> None:
        pair = header.split(";", 1)[0]
        name, _, value = pair.partition("=")
        name = name.strip()
        if "max-age=0" in header.lower() or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value.strip().strip('"')
