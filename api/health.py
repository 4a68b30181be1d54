"""Probes: /healthz says the process serves; /readyz says the engine answers."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    runner = getattr(request.app.state, "runner", None)
    ok = runner is not None and await run_in_threadpool(runner.ping)
    if ok:
        return JSONResponse({"status": "ready", "engine": runner.engine})
    return JSONResponse({"status": "unavailable", "reason": "the graph engine does not answer"}, status_code=503)
