"""The GraphiQL page as served here: strawberry's page with header persistence off, and its CSP.

strawberry's GraphiQL keeps the Headers pane (the bearer token) in localStorage
(`shouldPersistHeaders: true`), where it outlives the session and any script on the origin can read
it; here the page is served with persistence off. The page loads React, GraphiQL and its plugin
from unpkg.com and runs inline scripts, so its Content-Security-Policy allows exactly that CDN
origin and the hashes of the page's own inline scripts (until issue 13 vendors GraphiQL).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re

from strawberry.http.ides import get_graphql_ide_html

PERSIST_ON = "shouldPersistHeaders: true"
PERSIST_OFF = "shouldPersistHeaders: false"
#: where strawberry's GraphiQL page loads its scripts and styles from (see its static/graphiql.html)
CDN = "https://unpkg.com"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@functools.cache
def graphiql_html() -> str:
    html = get_graphql_ide_html("graphiql")
    if PERSIST_ON not in html:  # strawberry changed its page: fail loudly rather than persist tokens
        raise RuntimeError(f"strawberry's GraphiQL page no longer says {PERSIST_ON!r}; review api/ide.py")
    return html.replace(PERSIST_ON, PERSIST_OFF)


@functools.cache
def graphiql_csp() -> str:
    html = graphiql_html()
    scripts = " ".join(_sha256(s) for s in _INLINE_SCRIPT.findall(html))
    # Styles: GraphiQL's stylesheets from the CDN, the page's own <style> block and the style elements
    # GraphiQL's editors insert at run time (inline styles run no script).
    return "; ".join([
        "default-src 'none'",
        f"script-src {CDN} {scripts}",
        f"style-src {CDN} 'unsafe-inline'",
        f"font-src {CDN} data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])
