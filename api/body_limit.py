"""Bound a request's body before it is read: 413 with a JSON error past `max_bytes`.

A declared `Content-Length` over the limit is refused before a byte is read; a body without one
(chunked) is counted while it streams in and refused as soon as it passes the limit, so no more
than the limit is ever held.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _TooLarge(Exception):
    pass


def too_large(max_bytes: int) -> JSONResponse:
    return JSONResponse({"errors": [{
        "message": f"the request body is over the limit of {max_bytes:,} bytes (REDENGINE_API_MAX_BODY_BYTES)",
        "extensions": {"code": "REQUEST_TOO_LARGE", "limit": max_bytes}}]}, status_code=413)


class BodyLimit:
    """ASGI wrapper: at most `max_bytes` of body reach the app."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await too_large(self.max_bytes)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except _TooLarge:
            if started:
                raise
            await too_large(self.max_bytes)(scope, receive, send)
