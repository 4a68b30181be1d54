"""The GraphiQL page at `/graphql`, served whole by the app: no script or style from another host.

The page (`static/graphiql/page.html`) loads GraphiQL 3 and React 18 from the package's own
`/static/` files (vendored by `tools/graphiql/vendor`) and runs no inline script, so its
Content-Security-Policy allows this origin only. Header persistence is off: the Headers pane (a
bearer token) never goes to localStorage; the page's sign-in bar keeps a token in sessionStorage.
"""

from __future__ import annotations

import functools
import re

from starlette.responses import HTMLResponse

from redengine.api import static_files

PAGE = "graphiql/page.html"
#: this origin only; no inline script or style element (GraphiQL sets styles through the DOM, which
#: style-src does not govern), fonts from GraphiQL's stylesheet are data: URLs. One element is blocked:
#: the scroll lock GraphiQL's dialogs insert (`.with-scroll-bars-hidden`), which changes nothing here
#: as the page's body never scrolls (static/graphiql/page.css). 'report-sample' names it in reports.
CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'report-sample'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])
_STATIC_REF = re.compile(r'(?P<attr>src|href)="/static/(?P<path>[^"?]+)"')


@functools.cache
def graphiql_html() -> str:
    """The page with every `/static/…` link versioned by its file's content hash."""
    template = (static_files.DIRECTORY / PAGE).read_text(encoding="utf-8")
    return _STATIC_REF.sub(lambda m: f'{m["attr"]}="{static_files.url(m["path"])}"', template)


def graphiql_response() -> HTMLResponse:
    # the page is tiny and names the current asset hashes: revalidate it on every visit
    return HTMLResponse(graphiql_html(), headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"})
