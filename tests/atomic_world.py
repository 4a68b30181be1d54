"""Shared by the atomic-write tests: a data folder with the hand-built district and an admin token,
two `redengine serve` processes on it, and the invariants read back from the graph."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from test_api_mutations import build_world

from redengine.config import Settings
from redengine.graph.apply import apply_schema
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.graph.statements import read
from redengine.services import tokens

START = "mutation($in: StartLinkInput!) { startLink(input: $in) { ok errors { code } } }"
END = "mutation($in: EndLinkInput!) { endLink(input: $in) { ok errors { code } } }"
OPEN_CASE = "mutation($in: OpenWeakCaseInput!) { openWeakCase(input: $in) { ok errors { code } weakCase { id } } }"
LIFT_CASE = "mutation($in: LiftWeakCaseInput!) { liftWeakCase(input: $in) { ok errors { code } } }"
OPINION = "mutation($in: RecordOpinionInput!) { recordOpinion(input: $in) { ok errors { code } } }"
NOTICE = "mutation($in: RecordNoticeInput!) { recordNotice(input: $in) { ok errors { code } } }"

LINKS = read("test.atomic.links", "MATCH (p:Person)-[l]->(u:Unit) RETURN p.id AS person, type(l) AS rel, "
             "u.id AS unit, l.from AS from, l.to AS to, l.source AS source")
CASES = read("test.atomic.cases", "MATCH (w:WeakCase)-[:CONCERNS]->(u:Unit) RETURN w.id AS id, u.id AS unit, "
             "w.status AS status")
RECORDS = read("test.atomic.records", "MATCH (o) WHERE o:Opinion OR o:Notice RETURN o.id AS id")
LOCKS = read("test.atomic.locks", "MATCH (n) WHERE n._lock IS NOT NULL RETURN count(n) AS n")
ENTRIES = read("test.atomic.entries", "MATCH (a:AuditEntry) RETURN a.action AS action, a.target AS target, "
               "a.detail AS detail")


@contextlib.contextmanager
def attached(data_dir: Path) -> Iterator[FalkorRunner]:
    """A runner on the folder's engine (started here if no one runs it)."""
    server = EmbeddedServer(data_dir).start()
    runner = FalkorRunner(server.socket_path, Settings(data_dir=data_dir).graph_name)
    try:
        yield runner
    finally:
        runner.close()
        server.stop()


def prepare(data_dir: Path, world: bool = True) -> str:
    """A new data folder (with the hand-built district unless `world` is false); returns an admin token."""
    with attached(data_dir) as runner:
        apply_schema(runner)
        if world:
            build_world(runner)
        return tokens.create(runner, "admin", name="race").token


def post(url: str, token: str, query: str, variables: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps({"query": query, "variables": variables}).encode(),
                                 method="POST", headers={"Content-Type": "application/json",
                                                         "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return next(iter(json.load(r)["data"].values()))


def burst(urls: list[str], token: str, calls: list[tuple[str, dict]]) -> list[dict]:
    """All calls at once, spread over the servers in turn; the payloads in call order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(post, urls[i % len(urls)], token, q, v) for i, (q, v) in enumerate(calls)]
        return [f.result() for f in futures]


def day(n: int) -> str:
    return (dt.date(2019, 1, 1) + dt.timedelta(days=n)).isoformat()


def ok_entries(runner) -> Counter:
    """(action, target) → how many audit entries say the write was done."""
    out: Counter = Counter()
    for e in runner.read(ENTRIES):
        if json.loads(e["detail"] or "{}").get("outcome") == "ok":
            out[e["action"], e["target"]] += 1
    return out


def check_invariants(runner) -> dict:
    """At most one open link per person, unit and role; at most one open case per unit. Returns the
    API-made links, cases and records for the caller's audit comparison."""
    links = runner.read(LINKS)
    open_links = Counter((x["person"], x["rel"], x["unit"]) for x in links if x["to"] is None)
    assert max(open_links.values()) == 1, open_links
    cases = runner.read(CASES)
    open_cases = Counter(c["unit"] for c in cases if c["status"] == "rectifying")
    assert not open_cases or max(open_cases.values()) == 1, open_cases
    assert runner.read(LOCKS) == [{"n": 0}]  # the lock-taking writes leave nothing behind
    return {"links": [x for x in links if (x["source"] or "").startswith("api ")], "cases": cases,
            "records": runner.read(RECORDS)}
