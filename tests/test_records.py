"""Record writes on real engines: natural-key ids make repeated writes update, not duplicate."""

from __future__ import annotations

import datetime as dt

from redengine.graph import links, queries, records
from redengine.graph.statements import read

STORED_RECORDS = read(
    "test.records.stored",
    "MATCH (o) WHERE o:Opinion OR o:Notice "
    "RETURN o.id AS id, o.conclusion AS conclusion, o.to AS to, o.doc_no AS doc_no ORDER BY id",
)


def _world(runner):
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": i, "name": n, "kind": k, "kind_label": k, "from": "2017-01-01", "source": "t"}
        for i, n, k in [("V1", "张河村", "village"), ("V2", "李湾村", "village"), ("V3", "合并村", "village")]]})
    runner.write(links.UPSERT_PEOPLE, {"rows": [{"id": "P1", "name": "王芳", "from": "2017-01-01", "source": "t"}]})


def test_weak_case_update_keeps_one_case_with_its_dates(runner):
    _world(runner)
    cid = records.weak_case_id("V1", "2017-06-01")
    row = {"id": cid, "unit_id": "V1", "flagged_on": "2017-06-01", "reasons": ["班子不团结"], "status": "rectifying",
           "lifted_on": None, "source": "t"}
    runner.write(records.UPSERT_WEAK_CASES, {"rows": [row]})
    runner.write(records.UPSERT_WEAK_CASES, {"rows": [dict(row, status="lifted", lifted_on="2018-03-01")]})
    counts = {r["label"]: r["n"] for r in runner.read(queries.COUNT_NODES_BY_LABEL)}
    assert counts["WeakCase"] == 1


def test_opinion_and_notice_are_idempotent(runner):
    _world(runner)
    op = {"id": records.opinion_id("P1", "V1", "2018-01-05"), "person_id": "P1", "unit_id": "V1", "date": "2018-01-05",
          "conclusion": "for", "doc_no": "黄组函〔2018〕1号", "source": "t"}
    no = {"id": records.notice_id("P1", "V1", "2018-01-06"), "person_id": "P1", "unit_id": "V1", "from": "2018-01-06",
          "to": "2018-01-12", "doc_no": None, "source": "t"}
    for _ in range(2):
        runner.write(records.UPSERT_OPINIONS, {"rows": [op]})
        runner.write(records.UPSERT_NOTICES, {"rows": [no]})
    counts = {r["label"]: r["n"] for r in runner.read(queries.COUNT_NODES_BY_LABEL)}
    rels = {r["type"]: r["n"] for r in runner.read(queries.COUNT_RELS_BY_TYPE)}
    assert (counts["Opinion"], counts["Notice"]) == (1, 1)
    assert (rels["ABOUT"], rels["GIVEN_BY"], rels["POSTED_IN"]) == (2, 1, 1)


def test_opinion_and_notice_keep_stored_values_for_missing_ones(runner):
    _world(runner)
    op = {"id": records.opinion_id("P1", "V1", "2018-01-05"), "person_id": "P1", "unit_id": "V1", "date": "2018-01-05",
          "conclusion": "against", "doc_no": "黄组函〔2018〕2号", "source": "t"}
    no = {"id": records.notice_id("P1", "V1", "2018-01-06"), "person_id": "P1", "unit_id": "V1", "from": "2018-01-06",
          "to": "2018-01-12", "doc_no": "公示〔2018〕3号", "source": "t"}
    runner.write(records.UPSERT_OPINIONS, {"rows": [op]})
    runner.write(records.UPSERT_NOTICES, {"rows": [no]})
    runner.write(records.UPSERT_OPINIONS, {"rows": [dict(op, conclusion=None, doc_no=None)]})
    runner.write(records.UPSERT_NOTICES, {"rows": [dict(no, to=None, doc_no=None)]})
    assert runner.read(STORED_RECORDS) == [
        {"id": no["id"], "conclusion": None, "to": dt.date(2018, 1, 12), "doc_no": "公示〔2018〕3号"},
        {"id": op["id"], "conclusion": "against", "to": None, "doc_no": "黄组函〔2018〕2号"},
    ]


def test_merge_event_links_old_and_new_units(runner):
    _world(runner)
    ev = {"id": "merge:V3:2019-01-01", "kind": "merge", "on": "2019-01-01", "note": "两村合并",
          "from_ids": ["V1", "V2"], "to_ids": ["V3"], "source": "t"}
    runner.write_batch(records.unit_event_steps([ev]))
    runner.write_batch(records.unit_event_steps([ev]))
    [got] = runner.read(records.UNIT_EVENTS)
    assert sorted(got["from_ids"]) == ["V1", "V2"] and got["to_ids"] == ["V3"]
    assert got["on"] == dt.date(2019, 1, 1) and got["kind"] == "merge"
