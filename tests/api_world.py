"""A small hand-built district with known gaps, for the read-side API tests.

Every expected answer in tests/test_api_*.py is worked out from the facts written here (the comments
say what each fact is for), never from the API's own output. "Today" in the tests is AS_OF.

District D 黄陂区
  T1 前川街道  leaders L1, L2     composites C1 (secretary S1, on T1's committee), C2 (no secretary)
     V1 张河村    C1, liaison P1, commissioner K1; weak case lifted 2019-01-01; V6 merged into it
     V2 李湾村    C1, liaison P1, no commissioner; weak case open since 2019-03-01
     V3 王家社区  community; no composite; liaison P1 ended 2020-01-01; commissioner K2
     E1 红星公司  enterprise coordinated by C1
  T2 六指街道  leader L2           composite C3 (secretary S3, who sits on T1's committee, not T2's)
     V4 甘棠铺村  C3, liaisons P2 and P3, commissioner K3; weak case 2019-06-01, lifted only 2021-01-01
  T3 木兰乡    no leader now (L2's link ended 2019-01-01)
     V5 姚家山村  composite link to C3 ended 2020-01-01; liaison P2; commissioner K4
  T4 罗汉寺街道 leader L2 (so L2 has three townships)
  V6 旧村 (under T1) ended 2019-01-01, merged into V1
  DEPT 组织部 department of D, where P1 works as 科长
Leaders: L1 (T1), L2 (T1, T2, T4: three), L3 (committee member of D with no township).
Appointment records (about cadres P1, P2, P3; P4 liaises with nobody):
  P1: V1 opinion for + notice; V2 opinion AGAINST, no notice
  P2: V4 opinion for + notice; V5 opinion dated after AS_OF (does not count) + notice
  P3: V4 opinion for + notice
"""

from __future__ import annotations

import datetime as dt

from redengine.graph import links, records
from redengine.schema.model import UNIT_KIND_DEFAULT_LABEL, UnitKind

AS_OF = dt.date(2020, 6, 1)
START = "2017-05-01"

UNITS = [
    ("D", "黄陂区", "district"), ("DEPT", "组织部", "department"),
    ("T1", "前川街道", "township"), ("T2", "六指街道", "township"), ("T3", "木兰乡", "township"),
    ("T4", "罗汉寺街道", "township"),
    ("C1", "张河片区域综合党委", "composite"), ("C2", "前川东片区域综合党委", "composite"),
    ("C3", "甘棠片区域综合党委", "composite"),
    ("V1", "张河村", "village"), ("V2", "李湾村", "village"), ("V3", "王家社区", "community"),
    ("V4", "甘棠铺村", "village"), ("V5", "姚家山村", "village"), ("V6", "旧村", "village"),
    ("E1", "红星公司", "enterprise"),
]
NAMES = {i: n for i, n, _ in UNITS}
LABELS = {"T3": "乡"}  # the township kind label as the roster gives it

PART_OF = [("DEPT", "D"), ("T1", "D"), ("T2", "D"), ("T3", "D"), ("T4", "D"), ("C1", "T1"), ("C2", "T1"),
           ("C3", "T2"), ("V1", "T1"), ("V2", "T1"), ("V3", "T1"), ("V4", "T2"), ("V5", "T3"), ("V6", "T1"),
           ("E1", "T1")]
COORDINATED_BY = [("V1", "C1", None), ("V2", "C1", None), ("E1", "C1", None), ("V4", "C3", None),
                  ("V5", "C3", "2020-01-01")]

PEOPLE = {
    "L1": "李明", "L2": "张强", "L3": "赵敏", "S1": "陈静", "S3": "刘洋",
    "P1": "王芳", "P2": "周杰", "P3": "吴刚", "P4": "郑爽",
    "K1": "孙悦", "K2": "钱多", "K3": "冯雪", "K4": "褚云",
}
#: (person, rel, unit, from, to)
PERSON_LINKS = [
    ("L1", "COMMITTEE_MEMBER_OF", "D", START, None), ("L1", "CONTACTS_TOWNSHIP", "T1", START, None),
    ("L2", "COMMITTEE_MEMBER_OF", "D", START, None), ("L2", "CONTACTS_TOWNSHIP", "T1", START, None),
    ("L2", "CONTACTS_TOWNSHIP", "T2", START, None), ("L2", "CONTACTS_TOWNSHIP", "T4", START, None),
    ("L2", "CONTACTS_TOWNSHIP", "T3", START, "2019-01-01"),
    ("L3", "COMMITTEE_MEMBER_OF", "D", START, None),
    ("S1", "SECRETARY_OF", "C1", START, None), ("S1", "COMMITTEE_MEMBER_OF", "T1", START, None),
    ("S3", "SECRETARY_OF", "C3", START, None), ("S3", "COMMITTEE_MEMBER_OF", "T1", START, None),
    ("P1", "WORKS_AT", "DEPT", START, None),
    ("P1", "LIAISES_WITH", "V1", START, None), ("P1", "LIAISES_WITH", "V2", "2018-03-01", None),
    ("P1", "LIAISES_WITH", "V3", START, "2020-01-01"),
    ("P2", "LIAISES_WITH", "V4", START, None), ("P2", "LIAISES_WITH", "V5", START, None),
    ("P3", "LIAISES_WITH", "V4", START, None),
    ("K1", "COMMISSIONER_OF", "V1", START, None), ("K2", "COMMISSIONER_OF", "V3", START, None),
    ("K3", "COMMISSIONER_OF", "V4", START, None), ("K4", "COMMISSIONER_OF", "V5", START, None),
]
P1_ID_NUMBER = "420116198001011234"
P1_PHONE = "13812345678"


def build(runner) -> None:
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": i, "name": n, "kind": k, "kind_label": LABELS.get(i, UNIT_KIND_DEFAULT_LABEL[UnitKind(k)]),
         "from": START, "source": "test"} for i, n, k in UNITS]})
    runner.write(links.END_UNITS, {"rows": [{"id": "V6", "to": "2019-01-01", "source": "test"}]})
    runner.write(links.OPEN["PART_OF"], {"rows": [
        {"src": a, "dst": b, "from": START, "to": None, "source": "test"} for a, b in PART_OF]})
    runner.write(links.OPEN["COORDINATED_BY"], {"rows": [
        {"src": a, "dst": b, "from": START, "to": to, "source": "test"} for a, b, to in COORDINATED_BY]})
    runner.write(links.UPSERT_PEOPLE, {"rows": [
        {"id": i, "name": n, "from": START, "source": "test"} for i, n in PEOPLE.items()]})
    runner.write(links.SET_PERSONAL_DATA, {"rows": [{"id": "P1", "id_number": P1_ID_NUMBER, "phone": P1_PHONE}]})
    for rel in {r for _, r, *_ in PERSON_LINKS}:
        rows = [{"src": p, "dst": u, "from": f, "to": t, "source": "test", "title": "科长"}
                for p, r, u, f, t in PERSON_LINKS if r == rel]
        runner.write(links.OPEN[rel], {"rows": rows})
    runner.write(records.UPSERT_WEAK_CASES, {"rows": [
        _case("V1", "2018-01-01", ["班子不团结"], "lifted", "2019-01-01"),
        _case("V2", "2019-03-01", ["班子不团结", "制度不落实"], "rectifying", None),
        _case("V4", "2019-06-01", ["组织生活不正常"], "lifted", "2021-01-01"),
    ]})
    runner.write(records.UPSERT_OPINIONS, {"rows": [
        _opinion("P1", "V1", "2020-05-01", "for", "黄组函〔2020〕1号"),
        _opinion("P1", "V2", "2020-05-02", "against", "黄组函〔2020〕2号"),
        _opinion("P2", "V4", "2020-05-03", "for", None),
        _opinion("P2", "V5", "2020-07-01", "for", None),  # after AS_OF: not yet given
        _opinion("P3", "V4", "2020-05-04", "for", None),
    ]})
    runner.write(records.UPSERT_NOTICES, {"rows": [
        _notice("P1", "V1", "2020-05-10", "2020-05-16"),
        _notice("P2", "V4", "2020-05-10", "2020-05-16"),
        _notice("P2", "V5", "2020-05-10", "2020-05-16"),
        _notice("P3", "V4", "2020-05-11", "2020-05-17"),
    ]})
    runner.write_batch(records.unit_event_steps([
        {"id": "merge:V1:2019-01-01", "kind": "merge", "on": "2019-01-01", "note": "旧村并入张河村",
         "from_ids": ["V6"], "to_ids": ["V1"], "source": "test"}]))


def _case(unit, flagged, reasons, status, lifted):
    return {"id": records.weak_case_id(unit, flagged), "unit_id": unit, "flagged_on": flagged, "reasons": reasons,
            "status": status, "lifted_on": lifted, "source": "test"}


def _opinion(person, unit, date, conclusion, doc_no):
    return {"id": records.opinion_id(person, unit, date), "person_id": person, "unit_id": unit, "date": date,
            "conclusion": conclusion, "doc_no": doc_no, "source": "test"}


def _notice(person, unit, start, end):
    return {"id": records.notice_id(person, unit, start), "person_id": person, "unit_id": unit, "from": start,
            "to": end, "doc_no": None, "source": "test"}


def execute(runner, query: str, *, role: str = "admin", township: str | None = None, limits=None, **variables):
    """Run a GraphQL query in-process as a principal of the given role (with the default request limits
    unless `limits`, an ApiLimits, is given); return strawberry's result."""
    import asyncio

    from redengine.api.context import Context, Principal, RoleName
    from redengine.api.schema import schema
    from redengine.config import ApiLimits

    ctx = Context(runner, Principal("token-test", "tester", RoleName(role), township), limits=limits or ApiLimits())
    return asyncio.run(schema.execute(query, variable_values=variables or None, context_value=ctx))


def data(runner, query: str, **kw) -> dict:
    result = execute(runner, query, **kw)
    assert not result.errors, result.errors
    return result.data


def ids(connection: dict) -> list[str]:
    return [n["id"] for n in connection["nodes"]]
