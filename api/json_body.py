"""A request body (or a GET's `variables`) that is not JSON Python can read is a 400 with a JSON error.

Strawberry turns only `JSONDecodeError` into a 400; `json.loads` also raises `ValueError` for an
integer of more than 4,300 digits and `RecursionError` for `[` nested 100,000 deep, which became an
HTTP 500 with a traceback in the log. Every HTTP error strawberry raises (400 for a body that is not
JSON, no query, a mutation over GET; 405) is answered as `{"errors": [{"message", "extensions":
{"code": "BAD_REQUEST"}}]}`, the shape the body limit's 413 has (api/body_limit.py).
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse


def http_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, status_code=status)


class JsonErrors:
    """Mixin for strawberry's ASGI view (before `GraphQL` in the bases): bodies it cannot read are 400s."""

    def decode_json(self, data: str | bytes) -> object:
        try:
            return json.loads(data)
        except RecursionError as e:
            raise HTTPException(400, "the request body is not JSON this server reads: nested too deep") from e
        except json.JSONDecodeError as e:
            raise HTTPException(400, f"the request body is not JSON: {e}") from e
        except ValueError as e:  # an integer longer than Python's int limit (4,300 digits)
            raise HTTPException(400, f"the request body is not JSON this server reads: {e}") from e

    async def run(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().run(request, *args, **kwargs)  # type: ignore[misc]
        except HTTPException as e:
            if not isinstance(request, Request):
                raise
            return http_error(e.status_code, e.reason)
