"""Ready analyses of an exported graph: each function answers one question, offline.

They take the networkx graph from `to_networkx` (or `load_graph`) and a day `on`. On a snapshot
(exported with `as_of`) the day defaults to that date and may not differ from it; on an
all-history export it defaults to today and every question is answered as of `on`, from the
edges' intervals. "Village" means village or community (schema.model.VILLAGE_KINDS).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
import pandas as pd

from redengine.analysis.export import weak_on
from redengine.dates import parse_date, today
from redengine.domain.conventions import village_kind
from redengine.domain.dated import in_force
from redengine.domain.gaps import GAP_ORDER, composite_gaps, leader_gaps, township_gaps, village_gaps
from redengine.domain.leaders import CONTACT_REL, SEAT_REL, Seat, has_district_seat, is_district_seat
from redengine.schema.model import ROLES, Role, UnitKind

TOWNSHIP = UnitKind.TOWNSHIP.value
COMPOSITE = UnitKind.COMPOSITE.value
DISTRICT = UnitKind.DISTRICT.value
SECRETARY_REL = ROLES[Role.SECRETARY].rel
PERSON = "person"
COVERAGE_COLUMNS = ["township", "name", "villages", "liaison", "commissioner", "composite",
                    "liaison_ratio", "commissioner_ratio", "composite_ratio", "leaders"]


USED_LINKS = frozenset({"PART_OF", "COORDINATED_BY", "LIAISES_WITH", "COMMISSIONER_OF", CONTACT_REL, SEAT_REL, SECRETARY_REL})


class Facts:
    """The parts of a graph the questions read, pulled out once (reused for every day of a series)."""

    def __init__(self, g: nx.MultiDiGraph):
        self.g = g
        self.units = [(n, a.get("kind"), a.get("from"), a.get("to")) for n, a in g.nodes(data=True)
                      if a.get("kind") != PERSON]
        self.person = {n for n, k in g.nodes(data="kind") if k == PERSON}
        # a scoped export carries a person's seats on the (unexported) district on the person
        self.district_seats = {n: [Seat(s.get("from"), s.get("to"), DISTRICT, s.get("unit_from"), s.get("unit_to"))
                                   for s in a["district_seats"]]
                               for n, a in g.nodes(data=True) if a.get("kind") == PERSON and a.get("district_seats")}
        self.links = [(a, b, e["kind"], e.get("from"), e.get("to")) for a, b, e in g.edges(data=True)
                      if e.get("kind") in USED_LINKS]


class View:
    """What holds on one day: existing units and the links between them, indexed for the questions."""

    def __init__(self, g: nx.MultiDiGraph | Facts, day: dt.date):
        facts = g if isinstance(g, Facts) else Facts(g)
        self.g, self.day = facts.g, day
        kind_of = {n: k for n, k, start, end in facts.units if in_force(start, end, day)}
        interval = {n: (start, end) for n, k, start, end in facts.units}
        self.units = set(kind_of)
        self.villages = {n for n, k in kind_of.items() if village_kind(k)}
        self.townships = {n for n, k in kind_of.items() if k == TOWNSHIP}
        self.township_of: dict[str, str] = {}
        self.liaisons: dict[str, set[str]] = defaultdict(set)       # village → cadres
        self.commissioners: dict[str, set[str]] = defaultdict(set)  # village → commissioners
        self.composites: dict[str, set[str]] = defaultdict(set)     # unit → composite committees
        self.leaders: dict[str, set[str]] = defaultdict(set)        # township → standing-committee leaders
        self.seated: set[str] = set()                               # people with a district seat
        self.contacts: dict[str, set[str]] = defaultdict(set)       # person → townships they contact
        self.members: dict[str, set[str]] = defaultdict(set)        # person → committees they sit on
        self.secretaries: dict[str, set[str]] = defaultdict(set)    # unit → its secretaries
        self.seat_unit: dict[str, set[str]] = defaultdict(set)      # person → districts they sit for
        self.coordination = nx.Graph()                              # COORDINATED_BY, undirected
        for a, b, kind, start, end in facts.links:
            if b not in kind_of or not in_force(start, end, day):
                continue
            if kind == "PART_OF":
                if a in kind_of and b in self.townships:
                    self.township_of[a] = b
            elif kind == "COORDINATED_BY":
                if a in kind_of:
                    self.coordination.add_edge(a, b)
                    self.composites[a].add(b)  # the model lets only composite committees coordinate
            elif a not in facts.person:
                continue
            elif kind == "LIAISES_WITH" and b in self.villages:
                self.liaisons[b].add(a)
            elif kind == "COMMISSIONER_OF" and b in self.villages:
                self.commissioners[b].add(a)
            elif kind == CONTACT_REL:
                self.contacts[a].add(b)
            elif kind == SECRETARY_REL:
                self.secretaries[b].add(a)
            elif kind == SEAT_REL:
                self.members[a].add(b)
                if is_district_seat(Seat(start, end, kind_of[b], *interval[b]), day):
                    self.seated.add(a)
                    self.seat_unit[a].add(b)
        # seats carried on the person (scoped export): they make a leader, but the district is not
        # exported, so a leader's township count (seat_unit) is judged on whole-district exports only
        self.seated |= {p for p, seats in facts.district_seats.items() if has_district_seat(seats, day)}
        for person, townships in self.contacts.items():  # a leader: a contact with a district seat
            if person in self.seated:
                for t in townships & self.townships:
                    self.leaders[t].add(person)

    def name(self, n: str) -> str | None:
        return self.g.nodes[n].get("name") if n in self.g else None


def view(g: nx.MultiDiGraph, on: dt.date | str | None = None) -> View:
    return View(g, _day(g, on))


# -- coverage ---------------------------------------------------------------------------------

def coverage_by_township(g: nx.MultiDiGraph, on: dt.date | str | None = None) -> pd.DataFrame:
    """Per township: how many of its villages have a liaison cadre, a commissioner, a composite committee."""
    return _coverage(view(g, on))


def _coverage(v: View) -> pd.DataFrame:
    _need_people(v.g)
    by_township: dict[str | None, list[str]] = defaultdict(list)
    for x in v.villages:
        by_township[v.township_of.get(x)].append(x)
    rows = []
    for t in sorted(v.townships):
        vs = by_township.get(t, [])
        n = len(vs)
        counts = {"liaison": sum(1 for x in vs if v.liaisons.get(x)),
                  "commissioner": sum(1 for x in vs if v.commissioners.get(x)),
                  "composite": sum(1 for x in vs if v.composites.get(x))}
        rows.append({"township": t, "name": v.name(t), "villages": n, **counts,
                     **{f"{k}_ratio": (c / n if n else float("nan")) for k, c in counts.items()},
                     "leaders": len(v.leaders.get(t, ()))})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


GAP_COLUMNS = ["kind", "township", "unit", "person", "count"]


def coverage_gaps(g: nx.MultiDiGraph, on: dt.date | str | None = None) -> pd.DataFrame:
    """Every coverage gap on the day, by the same rules as the API's coverage (`redengine.domain.gaps`).

    One row per gap: its kind, the township it lies in (none for a leader's township count), the
    unit (a township, village, composite committee, or the district of a leader) and the person.
    """
    v = view(g, on)
    _need_people(v.g)
    kinds = {n: v.g.nodes[n].get("kind") for n in v.units}
    rows: list[dict] = []
    for t in sorted(v.townships):
        rows += [{"kind": k, "township": t, "unit": t} for k in township_gaps(len(v.leaders.get(t, ())))]
    for x in sorted(v.villages):
        t = v.township_of.get(x)
        if t is None:
            continue
        rows += [{"kind": k, "township": t, "unit": x} for k in village_gaps(
            len(v.composites.get(x, ())), len(v.liaisons.get(x, ())), len(v.commissioners.get(x, ())))]
    for k in sorted(n for n in v.units if kinds[n] == COMPOSITE and v.township_of.get(n) is not None):
        t = v.township_of[k]
        secs = [(p, t in v.members.get(p, ())) for p in sorted(v.secretaries.get(k, ()))]
        rows += [{"kind": kind, "township": t, "unit": k, "person": p} for kind, p in composite_gaps(secs)]
    for p in sorted(v.seated):
        n = len(v.contacts.get(p, set()))
        rows += [{"kind": kind, "unit": d, "person": p, "count": n} for d in sorted(v.seat_unit[p])
                 for kind in leader_gaps(n)]
    rows.sort(key=lambda r: (GAP_ORDER[r["kind"]], r.get("unit") or "", r.get("person") or ""))
    return pd.DataFrame([{c: r.get(c) for c in GAP_COLUMNS} for r in rows], columns=GAP_COLUMNS, dtype=object)


def coverage_over_time(g: nx.MultiDiGraph, start: dt.date | str, end: dt.date | str, district: bool = False) -> pd.DataFrame:
    """Coverage at each month end from `start` to `end` (inclusive), per township or (`district`) in total.

    Needs an all-history export: it reads each link's interval.
    """
    if g.graph.get("as_of") is not None:
        raise ValueError("coverage over time needs an all-history export (to_networkx(..., as_of=None))")
    frames, facts = [], Facts(g)
    for day in month_ends(start, end):
        df = _coverage(View(facts, day))
        if district:
            sums = df[["villages", "liaison", "commissioner", "composite"]].sum()
            n = int(sums["villages"])
            df = pd.DataFrame([{"villages": n, **{k: int(sums[k]) for k in ("liaison", "commissioner", "composite")},
                                **{f"{k}_ratio": (sums[k] / n if n else float("nan"))
                                   for k in ("liaison", "commissioner", "composite")}}])
        df.insert(0, "date", day)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["date"] + (COVERAGE_COLUMNS if not district else []))
    return pd.concat(frames, ignore_index=True)


def month_ends(start: dt.date | str, end: dt.date | str) -> list[dt.date]:
    """Every last day of a month d with start <= d <= end."""
    start, end = parse_date(start), parse_date(end)
    days: list[dt.date] = []
    y, m = start.year, start.month
    while True:
        d = dt.date(y, m, calendar.monthrange(y, m)[1])
        if d > end:
            return days
        if d >= start:
            days.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


# -- liaison load and what-if -----------------------------------------------------------------

def liaison_load(g: nx.MultiDiGraph, on: dt.date | str | None = None) -> pd.DataFrame:
    """Per liaison cadre: how many villages they liaise with (most loaded first)."""
    v = view(g, on)
    _need_people(g)
    per: dict[str, set[str]] = defaultdict(set)
    for village, cadres in v.liaisons.items():
        for c in cadres:
            per[c].add(village)
    rows = [{"cadre": c, "name": v.name(c), "villages": len(vs),
             "townships": len({v.township_of.get(x) for x in vs} - {None}), "village_ids": sorted(vs)}
            for c, vs in per.items()]
    df = pd.DataFrame(rows, columns=["cadre", "name", "villages", "townships", "village_ids"])
    return df.sort_values(["villages", "cadre"], ascending=[False, True], ignore_index=True)


def single_liaison_villages(g: nx.MultiDiGraph, on: dt.date | str | None = None) -> pd.DataFrame:
    """Villages that depend on one cadre: exactly one liaison."""
    v = view(g, on)
    _need_people(g)
    rows = [{"village": x, "name": v.name(x), "township": v.township_of.get(x), "cadre": next(iter(v.liaisons[x]))}
            for x in sorted(v.villages) if len(v.liaisons.get(x, ())) == 1]
    return pd.DataFrame(rows, columns=["village", "name", "township", "cadre"])


def villages_left_without_liaison(g: nx.MultiDiGraph, cadres: Iterable[str], on: dt.date | str | None = None) -> pd.DataFrame:
    """What if these cadres left together: the villages liaised today only by them."""
    v = view(g, on)
    _need_people(g)
    leaving = set([cadres] if isinstance(cadres, str) else cadres)
    unknown = sorted(c for c in leaving if c not in g)
    if unknown:
        raise KeyError(f"cadres not in the graph: {', '.join(unknown)}")
    rows = [{"village": x, "name": v.name(x), "township": v.township_of.get(x), "cadres": sorted(v.liaisons[x])}
            for x in sorted(v.villages) if v.liaisons.get(x) and v.liaisons[x] <= leaving]
    return pd.DataFrame(rows, columns=["village", "name", "township", "cadres"])


def critical_cadres(g: nx.MultiDiGraph, on: dt.date | str | None = None) -> pd.DataFrame:
    """Cadres whose departure alone would leave villages without any liaison, with those villages."""
    single = single_liaison_villages(g, on)
    names = {n: g.nodes[n].get("name") for n in single["cadre"]}
    rows = [{"cadre": c, "name": names[c], "villages": len(grp), "village_ids": sorted(grp["village"])}
            for c, grp in single.groupby("cadre")]
    df = pd.DataFrame(rows, columns=["cadre", "name", "villages", "village_ids"])
    return df.sort_values(["villages", "cadre"], ascending=[False, True], ignore_index=True)


# -- weak organisations -----------------------------------------------------------------------

def weak_distance(g: nx.MultiDiGraph, on: dt.date | str | None = None) -> pd.DataFrame:
    """Weak (软弱涣散) organisations and their distance in hops to the nearest strong unit.

    The network is the COORDINATED_BY links holding on the day, undirected; strong means any
    unit in it that is not weak. `distance` is missing when no strong unit can be reached;
    `nearest` lists every strong unit at that distance.
    """
    v = view(g, on)
    weak = {}
    for n in sorted(v.units):
        cases = weak_on(v.g.nodes[n].get("weak_cases") or [], v.day)
        if cases:
            weak[n] = cases
    net = v.coordination
    rows = []
    for n, cases in weak.items():
        dist, nearest = _nearest_strong(net, n, weak) if n in net else (None, [])
        latest = max(cases, key=lambda c: c["flagged_on"])
        rows.append({"unit": n, "name": v.name(n), "kind": g.nodes[n].get("kind"), "township": v.township_of.get(n),
                     "flagged_on": latest["flagged_on"], "reasons": "、".join(latest.get("reasons") or []),
                     "distance": dist, "nearest": nearest})
    df = pd.DataFrame(rows, columns=["unit", "name", "kind", "township", "flagged_on", "reasons", "distance", "nearest"])
    df["distance"] = df["distance"].astype("Int64")
    return df


def _nearest_strong(net: nx.Graph, start: str, weak: dict) -> tuple[int | None, list[str]]:
    seen, frontier, hops = {start}, [start], 0
    while frontier:
        hops += 1
        nxt = []
        for n in frontier:
            for m in net.neighbors(n):
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        strong = sorted(m for m in nxt if m not in weak)
        if strong:
            return hops, strong
        frontier = nxt
    return None, []


# -- helpers ----------------------------------------------------------------------------------

def _day(g: nx.MultiDiGraph, on: dt.date | str | None) -> dt.date:
    snap = g.graph.get("as_of")
    snap = parse_date(snap) if snap is not None else None
    day = parse_date(on) if on is not None else (snap or today())
    if snap is not None and day != snap:
        raise ValueError(f"the graph is a snapshot as of {snap}; export all history (as_of=None) to ask about {day}")
    return day


def _need_people(g: nx.MultiDiGraph) -> None:
    if g.graph.get("include_people") is False:
        raise ValueError("this question needs people: export with include_people=True")
