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
from redengine.graph.statements import read, write

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


# -- tokens: create and revoke write their audit entry in the same statement --------------------------
TOKEN_ENTRIES = read("test.atomic.token_entries", "MATCH (a:AuditEntry) WHERE a.action STARTS WITH 'token.' "
                     "RETURN a.action AS action, a.target AS target, a.who AS who")
TOKENS = read("test.atomic.tokens", "MATCH (t:ApiToken) RETURN t.id AS id, t.revoked_at IS NOT NULL AS revoked, "
              "t.township_id AS township ORDER BY id")
END_T1 = write("test.atomic.end_t1", "MATCH (u:Unit {id: 'T1'}) SET u.to = date('2018-01-01') RETURN u.id AS id")


def _operator():
    from redengine.api.context import Principal, RoleName

    return Principal("cli", "运维@host", RoleName.ADMIN)


def test_a_death_right_after_a_token_write_leaves_it_audited(runner):
    """Token create (admin and township) and revoke, the process dying right after its first write:
    whatever token the graph holds has its entry."""
    from test_api_mutations import build_world

    from redengine.services import tokens

    build_world(runner)
    for township in (None, "T1"):
        with pytest.raises(_Died):
            tokens.create(_DiesAfterFirstWrite(runner), "township" if township else "admin", township, by=_operator())
    made = runner.read(TOKENS)
    assert [t["township"] for t in made] in ([None, "T1"], ["T1", None])
    assert sorted(runner.read(TOKEN_ENTRIES), key=lambda e: e["target"]) == [
        {"action": "token.create", "target": t["id"], "who": "admin:运维@host"} for t in made]
    with pytest.raises(_Died):
        tokens.revoke(_DiesAfterFirstWrite(runner), made[0]["id"], by=_operator())
    assert runner.read(TOKENS)[0]["revoked"] is True
    assert sum(e["action"] == "token.revoke" and e["target"] == made[0]["id"] for e in runner.read(TOKEN_ENTRIES)) == 1


def test_racing_revokes_of_one_token_write_one_entry(runner):
    from concurrent.futures import ThreadPoolExecutor

    from redengine.services import tokens

    new = tokens.create(runner, "admin", by=_operator())
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: tokens.revoke(runner, new.id, by=_operator()), range(8)))
    assert sorted(r["already"] for r in results) == [False] + [True] * 7
    assert len({str(r["revoked_at"]) for r in results}) == 1  # the first revoke's time, reported to all
    entries = [e["action"] for e in runner.read(TOKEN_ENTRIES)]
    assert entries.count("token.revoke") == 1 and entries.count("token.create") == 1


class _EndsTownshipBeforeFirstWrite(_DiesAfterFirstWrite):
    """The real engine; a load ends township T1 right after the command's checks, before its write."""

    def write(self, stmt, params=None):
        self._runner.write(END_T1, {})
        self.write = self._runner.write  # only once
        return self._runner.write(stmt, params)


def test_a_township_token_is_not_made_for_a_township_ended_after_the_check(runner):
    from test_api_mutations import build_world

    from redengine.errors import ValidationError
    from redengine.services import tokens

    build_world(runner)
    with pytest.raises(ValidationError) as e:
        tokens.create(_EndsTownshipBeforeFirstWrite(runner), "township", "T1", by=_operator())
    assert "ended on 2018-01-01" in str(e.value.problems)
    assert runner.read(TOKENS) == [] and runner.read(TOKEN_ENTRIES) == []


def test_revoking_twice_on_the_command_line_says_so_and_audits_once(tmp_path, monkeypatch, capsys):
    from redengine.cli import main

    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(tmp_path / "data"))
    assert main(["token", "create", "--role", "analyst"]) == 0
    token_id = capsys.readouterr().err.split()[2]
    assert main(["token", "revoke", token_id]) == 0
    assert main(["token", "revoke", token_id]) == 0
    out = capsys.readouterr().out
    assert f"revoked {token_id}" in out and f"{token_id} was already revoked" in out
    with attached(tmp_path / "data") as r:
        assert sorted(e["action"] for e in r.read(TOKEN_ENTRIES)) == ["token.create", "token.revoke"]
