"""Files the app serves itself from the installed package (`api/static/`), at `/static/…`.

The vendored GraphiQL and React builds (re-vendored by `tools/graphiql/vendor`) and the pages' own
scripts and styles: nothing a page needs comes from another host. A page links each file by
`url(path)`, which carries the file's content hash (`?v=…`); a request with the current hash is
cached for a year (`immutable`), any other is revalidated (`no-cache`), so a new release is never
served stale. Responses are gzip-compressed at level 6: GraphiQL's 3.5 MB build goes as 0.73 MB;
level 9 saved 0.7% more for 2.9x the compression time (benchmarks/bench_static.py).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from starlette.datastructures import QueryParams
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "/static"
DIRECTORY = Path(__file__).with_name("static")
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"


@functools.cache
def digests() -> dict[str, str]:
    """Each served file (path below `static/`, with `/`) → the first 16 hex digits of its sha256."""
    return {p.relative_to(DIRECTORY).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:16]
            for p in sorted(DIRECTORY.rglob("*")) if p.is_file()}


def url(path: str) -> str:
    """`/static/<path>?v=<hash>` for a file below `static/`; a KeyError names a missing one."""
    try:
        return f"{PREFIX}/{path}?v={digests()[path]}"
    except KeyError:
        raise KeyError(f"no file {path!r} in {DIRECTORY}") from None


class _CacheControl:
    """Sets Cache-Control on the static responses: long-lived only for the current content hash."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"].removeprefix(scope.get("root_path", "")).removeprefix(PREFIX).lstrip("/")
        wanted = QueryParams(scope.get("query_string", b"")).get("v")
        current = digests().get(path)
        value = IMMUTABLE if current is not None and wanted == current else REVALIDATE

        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                message = {**message, "headers": [*message.get("headers", []), (b"cache-control", value)]}
            await send(message)

        await self.app(scope, receive, send_cached)


def mount() -> Mount:
    """The `/static` route: package files only (no directory listing, no path outside `static/`)."""
    files = StaticFiles(packages=[("redengine.api", "static")])
    return Mount(PREFIX, app=_CacheControl(GZipMiddleware(files, minimum_size=1024, compresslevel=6)), name="static")
