"""The web app, composed in one place: engine lifespan, auth, GraphQL, probes."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import strawberry
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from redengine.api import ide, redact, static_files
from redengine.api.auth import DEADLINE_KEY, PRINCIPAL_KEY, BearerAuth
from redengine.api.body_limit import BodyLimit
from redengine.api.context import Context
from redengine.api.engine_errors import timeout_error
from redengine.api.headers import SecurityHeaders
from redengine.api.health import healthz, readyz
from redengine.api.json_body import JsonErrors
from redengine.api.ratelimit import SensitiveReadLimit
from redengine.api.serving import EnginePool
from redengine.config import Settings
from redengine.errors import EngineTimeout
from redengine.types import Runner

log = logging.getLogger("redengine.api")


class RedEngineGraphQL(JsonErrors, GraphQL):
    """Strawberry's ASGI app with our typed Context (the principal was set by BearerAuth).

    Only the GraphiQL page itself is served without a principal, and it executes nothing.
    """

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        principal = getattr(request.state, PRINCIPAL_KEY, None)
        return Context(runner=request.app.state.runner, principal=principal, request=request,  # type: ignore[arg-type]
                       sensitive_reads=request.app.state.sensitive_reads, limits=request.app.state.limits,
                       appointment_window_days=request.app.state.appointment_window_days)

    async def execute_single(self, request: Request, *args, **kwargs):
        """One GraphQL execution, run whole in the engine pool (api/serving.py), never on the event loop."""
        pool: EnginePool | None = getattr(request.app.state, "engine_pool", None)
        run = super().execute_single
        if pool is None:  # create_app(offload=False): the old way, on the loop (the benchmark's "before")
            return await run(request, *args, **kwargs)
        try:
            return await pool.run(lambda: run(request, *args, **kwargs), getattr(request.state, DEADLINE_KEY, None))
        except EngineTimeout as e:  # Python-side work outlasted the deadline: answer now, the worker finishes alone
            log.warning("a GraphQL request ran past its %g s and was answered TIMEOUT", e.seconds)
            return ExecutionResult(data=None, errors=[timeout_error(e)])

    @property
    def graphql_ide_html(self) -> str:
        return ide.graphiql_html()

    async def render_graphql_ide(self, request: Request) -> Response:
        return ide.graphiql_response()


class App(Starlette):
    """Starlette with the security headers outermost: on its own 500 page too (which starlette's
    ServerErrorMiddleware sends from outside any `middleware=` entry)."""

    def build_middleware_stack(self):
        return SecurityHeaders(super().build_middleware_stack())


def _prepare(runner: Runner) -> None:
    from redengine.graph.apply import apply_schema

    apply_schema(runner)


def create_app(settings: Settings | None = None, *, runner: Runner | None = None,
               schema: strawberry.Schema | None = None, offload: bool = True) -> Starlette:
    """The ASGI app. Opens the engine named by `settings` in its lifespan unless a `runner` is given
    (then the caller owns and closes it); applies the schema. (`redengine serve --demo` loads the demo
    district before it builds the app: the API does not know the demo.) Requests run in a pool of
    worker threads (api/serving.py); `offload=False` runs them on the event loop as before, only for
    benchmarks/bench_api.py's comparison."""
    settings = settings or Settings.from_env()
    if schema is None:
        from redengine.api.schema import build_schema

        schema = build_schema(settings.api)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from redengine.graph.engine import open_runner

        owned = runner is None
        r: Runner = await run_in_threadpool(open_runner, settings) if runner is None else runner
        pool = EnginePool(settings.api_workers, settings.api_timeout) if offload else None
        try:
            await run_in_threadpool(_prepare, r)
            app.state.runner = r
            app.state.engine_pool = pool
            log.info("serving the graph on %s", r.engine)
            yield
        finally:
            if pool is not None:
                await run_in_threadpool(pool.close)  # waits for running requests, before the runner closes
            if owned:
                await run_in_threadpool(r.close)

    graphql = RedEngineGraphQL(schema, graphql_ide="graphiql")
    routes = [
        Route("/graphql", BodyLimit(BearerAuth(graphql), settings.api.max_body_bytes), methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        static_files.mount(),  # GraphiQL's scripts and styles, from the package (api/static/)
    ]
    redact.install()  # no token in any log line of this process, whichever server runs the app
    app = App(routes=routes, lifespan=lifespan)
    app.state.sensitive_reads = SensitiveReadLimit(settings.sensitive_reads_per_minute)
    app.state.limits = settings.api
    app.state.appointment_window_days = settings.appointment_window_days
    return app
