"""kill -9 of an API server in the middle of a burst of every mutation kind: every write the graph
kept has its audit entry (they commit in one statement), whatever instant the kill hit.

The killed server is the second one on the folder: it owns nothing but its connection, so the engine
(run by the first) lives on and keeps exactly what the killed process had written — a kill of the
engine's owner would test the engine's persistence instead (issue 8, bullet 2)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from atomic_world import END, LIFT_CASE, NOTICE, OPEN_CASE, OPINION, START, attached, check_invariants, day, ok_entries, post, prepare
from test_api_app import serving

from redengine.graph import links, records
from redengine.graph.statements import read

PEOPLE = [f"K{i}" for i in range(12)]
KILLS = 3
ENDED = read("test.atomic.ended", "MATCH (p:Person)-[l]->(u:Unit) WHERE l.ended_by STARTS WITH 'api ' "
             "RETURN p.id AS person, u.id AS unit")
LIFTED = read("test.atomic.lifted", "MATCH (w:WeakCase {status: 'lifted'}) WHERE w.updated_by STARTS WITH 'api ' "
              "RETURN w.id AS id")


def _victim(env: dict) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "redengine.cli", "serve", "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = None
    while url is None:
        line = proc.stdout.readline()
        assert line, "the second server exited before it served"
        url = next((w for w in line.split() if w.startswith("http://")), None)
    base = url.rsplit("/graphql", 1)[0]
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the second server never became ready")


def _worker(url: str, token: str, person: str, seed: int, stop: threading.Event) -> None:
    """Start, record, end and note, over and over, on days of its own: most writes are accepted."""
    link = {"role": "LIAISON", "personId": person, "unitId": "V2"}
    n = seed
    while not stop.is_set():
        calls = [(START, {"in": {**link, "from": day(n)}}),
                 (OPINION, {"in": {"personId": person, "unitId": "V1", "date": day(n), "conclusion": "FOR"}}),
                 (END, {"in": {**link, "to": day(n + 1)}}),
                 (NOTICE, {"in": {"personId": person, "unitId": "S1", "from": day(n)}})]
        if person == PEOPLE[0]:
            calls += [(OPEN_CASE, {"in": {"unitId": "V3", "flaggedOn": day(n), "reasons": ["班子不团结"]}}),
                      (LIFT_CASE, {"in": {"id": records.weak_case_id("V3", day(n)), "liftedOn": day(n + 1)}})]
        for q, v in calls:
            try:
                post(url, token, q, v)
            except (OSError, urllib.error.URLError, KeyError, ValueError):
                return  # the server is gone
        n += 2


@pytest.mark.slow
def test_kill_api_mid_burst_leaves_no_write_unaudited(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(data))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    token = prepare(data)
    with attached(data) as runner:
        runner.write(links.UPSERT_PEOPLE, {"rows": [{"id": p, "name": p, "from": "2017-01-01", "source": "test"}
                                                    for p in PEOPLE]})
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with serving():  # the first server: it runs the engine and outlives every kill
        for k in range(KILLS):
            proc, url = _victim(env)
            stop = threading.Event()
            threads = [threading.Thread(target=_worker, args=(url, token, p, 1000 * k + 20 * i, stop))
                       for i, p in enumerate(PEOPLE)]
            for t in threads:
                t.start()
            time.sleep(1.0 + 0.7 * k)  # a different instant of the burst each time (not an assertion)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stop.set()
            for t in threads:
                t.join()
            proc.stdout.close()

    with attached(data) as runner:
        made = check_invariants(runner)
        ok = ok_entries(runner)
        starts = Counter(f"{x['person']}->{x['unit']}" for x in made["links"])
        assert sum(starts.values()) > KILLS, "the burst wrote too little to mean anything"
        for target, n in starts.items():
            assert ok["link.start.liaison", target] == n, target
        ends = Counter(f"{x['person']}->{x['unit']}" for x in runner.read(ENDED))
        for target, n in ends.items():
            assert ok["link.end.liaison", target] == n, target
        for r in made["records"]:
            action = "opinion.record" if r["id"].startswith("opinion") else "notice.record"
            assert ok[action, r["id"]] >= 1, r
        for c in made["cases"]:
            assert ok["weak_case.open", c["id"]] == 1, c
        for c in runner.read(LIFTED):
            assert ok["weak_case.lift", c["id"]] == 1, c
        entries = sum(ok.values())
        writes = sum(starts.values()) + sum(ends.values()) + len(made["records"]) + len(made["cases"])
        assert entries >= writes, json.dumps([entries, writes])


class _Died(BaseException):
    """The process 'dies' here: nothing after this point of the command runs."""


class _DiesAfterFirstWrite:
    """The real engine, but the caller dies right after its first write reached it (the instant a
    SIGKILL between two statements would hit). Reads pass through."""

    def __init__(self, runner):
        self._runner = runner

    def read(self, stmt, params=None):
        return self._runner.read(stmt, params)

    def write(self, stmt, params=None):
        self._runner.write(stmt, params)
        raise _Died

    def write_batch(self, steps):
        self._runner.write_batch(steps)
        raise _Died


def _commands():
    import datetime as dt

    from redengine.schema.model import Conclusion, Role
    from redengine.services import commands as cmd

    d = dt.date
    return [
        ("link.start.liaison", "P2->V2", lambda r, a: cmd.plan_start_link(r, a, Role.LIAISON, "P2", "V2", d(2018, 3, 1))),
        ("link.end.liaison", "P1->V1", lambda r, a: cmd.plan_end_link(r, a, Role.LIAISON, "P1", "V1", d(2018, 3, 1))),
        ("opinion.record", records.opinion_id("P1", "V1", "2018-01-05"),
         lambda r, a: cmd.plan_record_opinion(r, a, "P1", "V1", d(2018, 1, 5), Conclusion.FOR, None)),
        ("notice.record", records.notice_id("P1", "S1", "2018-01-06"),
         lambda r, a: cmd.plan_record_notice(r, a, "P1", "S1", d(2018, 1, 6), None, None)),
        ("weak_case.open", records.weak_case_id("V2", "2018-01-10"),
         lambda r, a: cmd.plan_open_weak_case(r, a, "V2", d(2018, 1, 10), ["班子不团结"])),
        ("weak_case.update", records.weak_case_id("V2", "2018-01-10"),
         lambda r, a: cmd.plan_update_weak_case(r, a, records.weak_case_id("V2", "2018-01-10"), ["组织生活不正常"])),
        ("weak_case.lift", records.weak_case_id("V2", "2018-01-10"),
         lambda r, a: cmd.plan_lift_weak_case(r, a, records.weak_case_id("V2", "2018-01-10"), d(2018, 12, 1))),
    ]


STORED = read("test.atomic.stored", """
    OPTIONAL MATCH (:Person {id: 'P2'})-[s:LIAISES_WITH]->(:Unit {id: 'V2'})
    OPTIONAL MATCH (:Person {id: 'P1'})-[e:LIAISES_WITH]->(:Unit {id: 'V1'}) WHERE e.to IS NOT NULL
    OPTIONAL MATCH (o:Opinion) OPTIONAL MATCH (n:Notice) OPTIONAL MATCH (w:WeakCase)
    RETURN count(DISTINCT s) AS start, count(DISTINCT e) AS end, count(DISTINCT o) AS opinion,
           count(DISTINCT n) AS notice, count(DISTINCT w) AS open,
           [x IN collect(DISTINCT w.reasons) | x[0]] AS reasons, collect(DISTINCT w.status) AS status""")


def test_a_death_right_after_the_write_leaves_it_audited(runner):
    """Each mutation kind, its process dying right after its first write statement: whatever is
    stored by then has its audit entry (the issue measured a link without one)."""
    from test_api_mutations import build_world

    from redengine.api.context import Principal, RoleName
    from redengine.services import commands as cmd

    build_world(runner)
    admin = Principal("t1", "组织部", RoleName.ADMIN)
    for action, target, planner in _commands():
        with pytest.raises(_Died):
            cmd.execute(_DiesAfterFirstWrite(runner), admin, lambda p=planner: p(runner, admin))
        ok = ok_entries(runner)
        assert ok[action, target] == 1, (action, dict(ok))
    [s] = runner.read(STORED)
    assert (s["start"], s["end"], s["opinion"], s["notice"], s["open"]) == (1, 1, 1, 1, 1)
    assert s["reasons"] == ["组织生活不正常"] and s["status"] == ["lifted"]
