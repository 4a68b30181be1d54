"""Two `redengine serve` processes on one data folder, conflicting mutations fired at both at once:
exactly one of each conflicting set wins, the graph keeps its invariants, and every stored write has
exactly one audit entry saying so (the refused ones theirs, saying refused)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from atomic_world import END, ENTRIES, LIFT_CASE, OPEN_CASE, OPINION, START, attached, burst, check_invariants, day, ok_entries, prepare
from test_api_app import serving

from redengine.graph import records

ROUNDS = 5
SAME = 10  # identical requests per burst


def _codes(payloads):
    return Counter("ok" if p["ok"] else p["errors"][0]["code"] for p in payloads)


@pytest.mark.slow
def test_two_servers_conflicting_mutations(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(data))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    token = prepare(data)
    won_cases = []
    with serving() as (_, first), serving() as (_, second):
        urls = [first, second]
        for r in range(ROUNDS):
            base = 40 * r
            link = {"role": "LIAISON", "personId": "P2", "unitId": "V2"}
            starts = burst(urls, token, [(START, {"in": {**link, "from": day(base)}})] * SAME)
            assert _codes(starts) == {"ok": 1, "DUPLICATE_OPEN_LINK": SAME - 1}, starts
            ends = burst(urls, token, [(END, {"in": {**link, "to": day(base + 10)}})] * SAME)
            assert _codes(ends) == {"ok": 1, "NO_OPEN_LINK": SAME - 1}, ends
            # start and end of P3's link to V3 at once: whatever the order, never two open links
            p3 = {"role": "LIAISON", "personId": "P3", "unitId": "V3"}
            mixed = burst(urls, token, [(START, {"in": {**p3, "from": day(base + 11 + i)}}) for i in range(4)]
                          + [(END, {"in": {**p3, "to": day(base + 20)}})] * 4)
            assert all(p["ok"] or p["errors"][0]["code"] in ("DUPLICATE_OPEN_LINK", "OVERLAPPING_LINK", "NO_OPEN_LINK")
                       for p in mixed), mixed
            # two cases for one unit, on two days: one opens; then two lifts of it: one lifts
            opens = burst(urls, token, [(OPEN_CASE, {"in": {"unitId": "V2", "flaggedOn": day(base + 1 + i),
                                                             "reasons": ["班子不团结"]}}) for i in range(2)])
            assert _codes(opens) == {"ok": 1, "DUPLICATE_OPEN_CASE": 1}, opens
            [case] = [p["weakCase"]["id"] for p in opens if p["ok"]]
            won_cases.append(case)
            lifts = burst(urls, token, [(LIFT_CASE, {"in": {"id": case, "liftedOn": day(base + 30)}})] * 2)
            assert _codes(lifts) == {"ok": 1, "ALREADY_LIFTED": 1}, lifts
            opinion = {"personId": "P1", "unitId": "V1", "date": day(base), "conclusion": "FOR"}
            assert _codes(burst(urls, token, [(OPINION, {"in": opinion})] * SAME)) == {"ok": SAME}
        # end whatever P3 left open, so the next check sees the start/end races' full outcome
        burst(urls, token, [(END, {"in": {"role": "LIAISON", "personId": "P3", "unitId": "V3", "to": day(400)}})])

    with attached(data) as runner:
        made = check_invariants(runner)
        ok = ok_entries(runner)
        p2 = sorted(x["from"].isoformat() for x in made["links"] if x["person"] == "P2")
        assert p2 == [day(40 * r) for r in range(ROUNDS)]
        # one ok start entry per stored link, one ok end entry per ended one, for P2 and P3 alike
        for person, unit in (("P2", "V2"), ("P3", "V3")):
            mine = [x for x in made["links"] if x["person"] == person]
            assert ok["link.start.liaison", f"{person}->{unit}"] == len(mine)
            assert ok["link.end.liaison", f"{person}->{unit}"] == sum(x["to"] is not None for x in mine)
        assert sorted(c["id"] for c in made["cases"]) == sorted(won_cases)
        assert all(ok["weak_case.open", c] == 1 and ok["weak_case.lift", c] == 1 for c in won_cases)
        opinions = [records.opinion_id("P1", "V1", day(40 * r)) for r in range(ROUNDS)]
        assert sorted(x["id"] for x in made["records"]) == sorted(opinions)
        assert all(ok["opinion.record", o] == SAME for o in opinions)
        # and every request left exactly one entry: nothing unaudited, nothing audited twice
        entries = runner.read(ENTRIES)
        per_round = 2 * SAME + 8 + 2 + 2 + SAME
        assert len(entries) == ROUNDS * per_round + 1  # + the final end
        assert all(json.loads(e["detail"] or "{}").get("outcome") in ("ok", "refused") for e in entries)
