"""The graph as a networkx MultiDiGraph, read from the engine page by page.

Nodes are keyed by id. Units carry name, kind, kind_label, from, to, `label` (the name, for
Gephi), and their weak-organisation cases as attributes: `weak_cases` (a list of {id,
flagged_on, lifted_on, status, reasons}) and `weak` (a bool). People carry kind "person".
Edges carry `kind` (the link type: PART_OF, COORDINATED_BY, WORKS_AT, LIAISES_WITH, ...) with
`from` and `to` (and `title` on WORKS_AT); an edge's key is "KIND:from".

With `as_of` a date, only what holds on it is exported: units, links, and the weak cases open
on that day (`weak` = any); a person when they hold a link to an exported unit on that day or
their own interval (recorded by then, not ended) holds; a loader records a new person from its
as-of date while their links may start earlier, and the API counts those links too. With `as_of=None` all history is exported, every edge keeping its
interval, every case listed (`weak` = a case not lifted yet). `scope` keeps one unit's formal
subtree (PART_OF, any depth, as of the date; with all history, any unit ever under it), the
people with a link into it, and only the links between exported nodes. The district is never in a
township's subtree, so a scoped export keeps an exported person's district-committee seats (the
leader rule needs them) on the person as `district_seats`: a list of {from, to, unit_from,
unit_to} (the seat's interval and the district's); a whole-district export has the seat edges instead.

Privacy: by default people are pseudonymised: the node key is a keyed hash of the person's id
("p-" + 16 hex digits of HMAC-SHA256), stable across runs for one graph, and no name, ID number
or phone leaves the engine. The key comes from REDENGINE_PSEUDONYM_KEY, else from a secret
made once and kept in the graph. Real ids, names, ID numbers and phones are exported only when
the caller passes `pseudonymise=False` AND may see them: `principal=None` means a local analyst
with direct access to the engine (who could read those fields anyway); an api Principal must
have the admin role. Each such export is recorded as an AuditEntry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import networkx as nx

from redengine.analysis import queries as q
from redengine.dates import parse_date
from redengine.domain.cases import never_lifted, open_on
from redengine.domain.dates import out_of_range
from redengine.domain.leaders import SEAT_REL
from redengine.errors import ConfigError, NotFound, RedEngineError
from redengine.schema.model import UnitKind
from redengine.types import Runner

if TYPE_CHECKING:
    from redengine.services.access import Principal

PAGE_SIZE = 20000
PSEUDONYM_ENV = "REDENGINE_PSEUDONYM_KEY"


class ExportNotAllowed(RedEngineError):
    """The caller's role may not export what was asked."""


def to_networkx(
    runner: Runner,
    as_of: dt.date | str | None = None,
    scope: str | None = None,
    include_people: bool = True,
    pseudonymise: bool = True,
    principal: Principal | None = None,
    *,
    page_size: int = PAGE_SIZE,
) -> nx.MultiDiGraph:
    """Export the graph (or one unit's subtree) as of a date, or all of its history."""
    day = _day(as_of)
    at = day is not None
    personal = not pseudonymise
    if personal and principal is not None and not principal.sees_sensitive:
        raise ExportNotAllowed(f"role {principal.role.value} may not export personal fields; export pseudonymised instead")
    if page_size < 1:
        raise ConfigError(f"page_size must be at least 1, got {page_size}")
    base = {"as_of": day, "page": page_size}
    scope, scope_ids = _scope(runner, scope, principal, base, at)
    g = nx.MultiDiGraph(as_of=day, scope=scope, include_people=include_people, pseudonymised=not personal)
    _add_units(g, runner, scope_ids, base, at)
    if include_people:
        exported = _add_people(g, runner, scope_ids, base, at, personal)
        if personal:
            _audit(runner, principal, scope, day, exported)
    return g


def _add_units(g: nx.MultiDiGraph, runner: Runner, scope_ids: list[str] | None, base: dict, at: bool) -> None:
    """Units page by page, then the links between them (both ends exported)."""
    page = base["page"]
    pages = (_chunks(scope_ids, page, lambda ids: runner.read(q.UNITS_BY_ID[at], {**base, "ids": ids}))
             if scope_ids is not None else _keyset(runner, q.UNIT_PAGE[at], base))
    for rows in pages:
        for r in rows:
            g.add_node(r["id"], **_unit_attrs(r, base["as_of"]))
    for ids in _batched(sorted(g.nodes), page):
        for r in runner.read(q.UNIT_LINKS_FROM[at], {**base, "ids": ids}):
            if r["dst"] in g:
                _add_link(g, r["src"], r)


def _add_people(g: nx.MultiDiGraph, runner: Runner, scope_ids: list[str] | None, base: dict, at: bool,
                personal: bool) -> int:
    """People page by page, each page with its links into exported units; returns how many."""
    page = base["page"]
    units = set(g.nodes)
    hide = None if personal else _pseudonymiser(runner)
    if scope_ids is not None:
        people = sorted({r["id"] for ids in _batched(scope_ids, page)
                         for r in runner.read(q.SCOPE_PEOPLE[at], {**base, "ids": ids})})
        pages = _chunks(people, page, lambda ids: runner.read(q.PEOPLE_BY_ID[personal][at], {**base, "ids": ids}))
    else:
        pages = _keyset(runner, q.PERSON_PAGE[personal][at], base)
    exported = 0
    for rows in pages:
        out = runner.read(q.PERSON_LINKS_FROM[at], {**base, "ids": [r["id"] for r in rows]})
        found = [r for r in out if r["dst"] in units]
        seats = _district_seats(r for r in out if r["dst"] not in units)
        linked = {r["src"] for r in found}
        # as of a date: a person whose own interval holds, or who holds a link to an exported unit
        rows = [r for r in rows if r["own"] or r["id"] in linked]
        keys = {r["id"]: (hide(r["id"]) if hide else r["id"]) for r in rows}
        for r in rows:
            key = keys[r["id"]]
            if key in g:
                raise RedEngineError(f"person id {r['id']!r} is also a unit id; export pseudonymised")
            g.add_node(key, **_person_attrs(r, key, personal))
            if r["id"] in seats:
                g.nodes[key]["district_seats"] = seats[r["id"]]
        for r in found:
            _add_link(g, keys[r["src"]], r)
        exported += len(rows)
    return exported


def pseudonym(key: str, person_id: str) -> str:
    """The stable pseudonymous node key of a person: keyed hash of the id."""
    return "p-" + hmac.new(key.encode(), str(person_id).encode(), hashlib.sha256).hexdigest()[:16]


def pseudonym_key(runner: Runner) -> str:
    """REDENGINE_PSEUDONYM_KEY, else the graph's own secret (made on first use)."""
    env = os.environ.get(PSEUDONYM_ENV)
    if env:
        return env
    return runner.write(q.PSEUDONYM_KEY, {"candidate": secrets.token_hex(32)})[0]["secret"]


def weak_on(cases: Iterable[dict], day: dt.date) -> list[dict]:
    """The weak-organisation cases open on `day` (the rule: `redengine.domain.cases`)."""
    return open_on(cases, day)


# -- helpers ----------------------------------------------------------------------------------

def _day(as_of: dt.date | str | None) -> dt.date | None:
    if as_of is None:
        return None
    try:
        day = parse_date(as_of)
    except ValueError as e:
        raise ConfigError(f"as_of: {e}") from e
    if (why := out_of_range(day)) is not None:  # the engine compares it with the graph's dates
        raise ConfigError(f"as_of: {why}")
    return day


def _scope(runner: Runner, scope: str | None, principal: Principal | None, base: dict,
           at: bool) -> tuple[str | None, list[str] | None]:
    """The unit whose subtree is exported and the subtree's sorted unit ids; (None, None) for the whole district."""
    limit = principal.scope if principal is not None else None
    if scope is None and limit is None:
        return None, None
    target = scope or limit
    if not runner.read(q.UNIT_EXISTS, {"id": target}):
        raise NotFound(f"scope: no unit with id {target!r}")
    ids = sorted(r["id"] for r in runner.read(q.SCOPE_UNITS[at], {**base, "scope": target}))
    if limit is not None and target != limit:
        allowed = {r["id"] for r in runner.read(q.SCOPE_UNITS[at], {**base, "scope": limit})}
        if target not in allowed:
            role = principal.role.value if principal is not None else "local"
            raise ExportNotAllowed(f"scope: unit {target!r} is outside township {limit!r} that role {role} may read")
    return target, ids


def _keyset(runner: Runner, statement, base: dict) -> Iterator[list[dict]]:
    after = ""
    while True:
        rows = runner.read(statement, {**base, "after": after})
        if not rows:
            return
        yield rows
        if len(rows) < base["page"]:
            return
        after = rows[-1]["id"]


def _batched(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _chunks(ids: list[str], size: int, fetch) -> Iterator[list[dict]]:
    for batch in _batched(ids, size):
        yield fetch(batch)


def _unit_attrs(r: dict, day: dt.date | None) -> dict[str, Any]:
    cases = sorted((_case(c) for c in r.get("weak_cases") or []), key=lambda c: (c["flagged_on"] or dt.date.min, c["id"]))
    if day is not None:
        cases = weak_on(cases, day)
        weak = bool(cases)
    else:
        weak = any(never_lifted(c) for c in cases)
    return {"kind": r["kind"], "label": r["name"], "name": r["name"], "kind_label": r["kind_label"],
            "from": r["from"], "to": r["to"], "weak": weak, "weak_cases": cases}


def _case(c: dict) -> dict:
    return {"id": c.get("id"), "flagged_on": c.get("flagged_on"), "lifted_on": c.get("lifted_on"),
            "status": c.get("status"), "reasons": list(c.get("reasons") or [])}


def _person_attrs(r: dict, key: str, personal: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {"kind": "person", "label": key, "from": r.get("from")}
    if personal:
        data = (r.get("personal") or [{}])[0]
        attrs.update(label=r["name"], name=r["name"], id_number=data.get("id_number"), phone=data.get("phone"))
    return attrs


def _district_seats(links: Iterable[dict]) -> dict[str, list[dict]]:
    """Person id → their seats on a district that is not exported (a scoped export): the leader rule
    (`redengine.domain.leaders`) needs them, so they travel on the person as {from, to, unit_from, unit_to}."""
    seats: dict[str, list[dict]] = {}
    for r in links:
        if r["rel"] == SEAT_REL and r.get("dst_kind") == UnitKind.DISTRICT.value:
            seats.setdefault(r["src"], []).append(
                {"from": r["from"], "to": r["to"], "unit_from": r["dst_from"], "unit_to": r["dst_to"]})
    return seats


def _add_link(g: nx.MultiDiGraph, src: str, r: dict) -> None:
    attrs = {"kind": r["rel"], "from": r["from"], "to": r["to"]}
    if r.get("title") is not None:
        attrs["title"] = r["title"]
    g.add_edge(src, r["dst"], key=f"{r['rel']}:{r['from']}", **attrs)


def _pseudonymiser(runner: Runner):
    key = pseudonym_key(runner)
    return lambda person_id: pseudonym(key, person_id)


def _audit(runner: Runner, principal: Principal | None, scope: str | None, day: dt.date | None, people: int) -> None:
    """Record the export of personal fields in the shared audit log (redengine.services.audit)."""
    from redengine.services import audit
    from redengine.services.access import Principal, RoleName

    actor = principal or Principal(token_id="", name=_login(), role=RoleName.ADMIN)
    stmt, params = audit.step(actor, "export.personal", scope, {"as_of": day, "people": people})
    if principal is None:  # a local analyst on the engine itself, not an API token
        params.update(who=f"local:{_login()}", role="local", token_id=None)
    runner.write(stmt, params)


def _login() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "unknown")
