"""Probes: /healthz says the process serves; /readyz says the engine answers and accepts writes."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from redengine.errors import EngineReadOnly, EngineUnavailable, RedEngineError
from redengine.graph import queries
from redengine.graph.statements import write

#: sent as a write (redis refuses write commands on MISCONF/OOM, Neo4j routes it to the leader) but
#: changes nothing: an engine that answers reads yet refuses writes is not ready
WRITE_PROBE = write("health.write_probe", "RETURN 1 AS ok")


def engine_problem(runner) -> tuple[str, str] | None:
    """None when the engine reads and accepts writes; else (code, reason) for /readyz."""
    for call, stmt in ((runner.read, queries.PING), (runner.write, WRITE_PROBE)):
        try:
            call(stmt)
        except EngineReadOnly as e:
            return EngineReadOnly.code, f"the graph engine refuses writes: {e}"
        except RedEngineError as e:
            code = getattr(e, "code", EngineUnavailable.code)
            return code, f"the graph engine does not answer: {e}"
        except Exception:
            return EngineUnavailable.code, "the graph engine does not answer"
    return None


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    runner = getattr(request.app.state, "runner", None)
    problem = (EngineUnavailable.code, "the engine is not open yet") if runner is None else \
        await run_in_threadpool(engine_problem, runner)
    if problem is None:
        return JSONResponse({"status": "ready", "engine": getattr(runner, "engine", None)})
    code, reason = problem
    return JSONResponse({"status": "read_only" if code == EngineReadOnly.code else "unavailable", "code": code,
                         "reason": reason}, status_code=503)
