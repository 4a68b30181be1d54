"""Bearer-token authentication in front of the GraphQL endpoint.

Every GraphQL request needs `Authorization: Bearer <token>`: no token, or an unknown or revoked
one, gets a 401 JSON error before any GraphQL runs. Only a browser's plain GET of the page (no
`query` parameter) is let through, so GraphiQL can load; its requests then carry the header.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from redengine.errors import EngineTimeout, RedEngineError
from redengine.services import tokens

log = logging.getLogger("redengine.api")

PRINCIPAL_KEY = "principal"  # in scope["state"], read as request.state.principal
DEADLINE_KEY = "deadline"    # in scope["state"]: when the request's time is up (time.monotonic())


def bearer(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _is_ide_page(scope: Scope, headers: Headers) -> bool:
    return (scope["method"] in ("GET", "HEAD") and "query" not in QueryParams(scope.get("query_string", b""))
            and "text/html" in headers.get("accept", ""))


def unauthorized(message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
                        status_code=401, headers={"WWW-Authenticate": 'Bearer realm="redengine"'})


def unavailable() -> JSONResponse:
    return JSONResponse({"errors": [{"message": "the graph engine is unavailable; try again later",
                                     "extensions": {"code": "ENGINE_UNAVAILABLE"}}]}, status_code=503)


def timed_out() -> JSONResponse:
    return JSONResponse({"errors": [{"message": "the token lookup ran out of the request's time; try again later",
                                     "extensions": {"code": EngineTimeout.code}}]}, status_code=503)


class BearerAuth:
    """ASGI wrapper: put the token's Principal in the request state, or answer 401."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await unauthorized("only HTTP is served here")(scope, receive, send)
            return
        headers = Headers(scope=scope)
        token = bearer(headers)
        if token is None:
            if _is_ide_page(scope, headers):
                await self.app(scope, receive, send)
                return
            await unauthorized("missing bearer token: send `Authorization: Bearer <token>` "
                               "(create one with `redengine token create --role …`)")(scope, receive, send)
            return
        state = scope["app"].state
        pool = getattr(state, "engine_pool", None)
        try:  # in the engine pool, like the request's other engine work, within the request's time (api/serving.py)
            if pool is not None:
                at = scope.setdefault("state", {})[DEADLINE_KEY] = pool.deadline()
                principal = await pool.call(tokens.authenticate, state.runner, token, at=at)
            else:
                principal = await run_in_threadpool(tokens.authenticate, state.runner, token)
        except EngineTimeout:
            await timed_out()(scope, receive, send)
            return
        except RedEngineError:
            log.exception("token lookup failed")
            await unavailable()(scope, receive, send)
            return
        if principal is None:
            await unauthorized("invalid or revoked token")(scope, receive, send)
            return
        scope.setdefault("state", {})[PRINCIPAL_KEY] = principal
        await self.app(scope, receive, send)
