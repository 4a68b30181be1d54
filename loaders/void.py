"""Opening a link that the graph holds as a zero-length one (ended on the day it began, by a
same-day correction) must reopen that link: the shared OPEN skips a link with the same start.
"""

from __future__ import annotations

from redengine.graph import links
from redengine.loaders.plan import Change, Ctx, Plan


def add_opens(ctx: Ctx, plan: Plan, rel: str, rows: list[dict], what: str) -> list[dict]:
    """Plan OPEN[rel] for `rows` ({src, dst, from, to, source, ...}), reopening zero-length twins
    instead; return the rows that reopen."""
    if not rows:
        return []
    void = {(s, d, f) for s, r, d, f in ctx.shared.void_links() if r == rel}
    again = [r for r in rows if (r["src"], r["dst"], r["from"]) in void]
    plan.add(links.CORRECT_END[rel], [{k: r[k] for k in ("src", "dst", "from", "to", "source")} for r in again], what, Change.ADDED)
    plan.add(links.OPEN[rel], [r for r in rows if (r["src"], r["dst"], r["from"]) not in void], what, Change.ADDED)
    return again
