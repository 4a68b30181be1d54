"""The demo district: rosters read back with csv/openpyxl (not the loader) and checked against the brief."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from redengine.demo import generate_rosters

# The headers of ROSTERS.md, copied from the contract (not from the code).
ROSTER_HEADERS = {
    "units": ["编码", "名称", "类型", "上级编码", "综合党委编码", "生效日期"],
    "people": ["人员编码", "姓名", "工作单位编码", "职务", "身份证号", "手机"],
    "links": ["人员编码", "关系", "单位编码", "开始日期", "结束日期"],
    "weak": ["单位编码", "认定日期", "原因", "整顿状态", "摘帽日期"],
    "appointment": ["人员编码", "单位编码", "类型", "日期", "结束日期", "结论", "文号"],
}
HUANGPI = ["前川", "祁家湾", "横店", "罗汉寺", "滠口", "六指", "天河", "武湖", "王家河", "长轩岭", "李家集", "姚家集",
           "蔡家榨", "三里桥", "蔡店"]
LAUNCH = dt.date(2017, 4, 28)


def read_roster(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows as strings ('' for empty), from .csv (UTF-8 with BOM) or .xlsx."""
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        raw = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
        cell = lambda v: "" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else str(v)  # noqa: E731
        raw = [[cell(v) for v in r] for r in raw]
    else:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), f"{path.name}: expected UTF-8 with BOM"
        with path.open(encoding="utf-8-sig", newline="") as f:
            raw = list(csv.reader(f))
    header, body = raw[0], raw[1:]
    return header, [dict(zip(header, r, strict=False)) for r in body]


class District:
    """The rosters of one generated district, indexed for the checks."""

    def __init__(self, paths: dict[str, Path]):
        self.paths = paths
        self.headers, self.rows = {}, {}
        for kind, path in paths.items():
            self.headers[kind], self.rows[kind] = read_roster(path)
        self.units = {r["编码"]: r for r in self.rows["units"]}
        self.people = {r["人员编码"]: r for r in self.rows["people"]}
        self.current = [r for r in self.rows["links"] if not r["结束日期"]]

    def of_kind(self, *labels: str) -> list[dict[str, str]]:
        return [r for r in self.rows["units"] if r["类型"] in labels]

    def current_by_unit(self, role: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for r in self.current:
            if r["关系"] == role:
                out[r["单位编码"]].add(r["人员编码"])
        return out

    def current_by_person(self, role: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for r in self.current:
            if r["关系"] == role:
                out[r["人员编码"]].add(r["单位编码"])
        return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> District:
    return District(generate_rosters(tmp_path_factory.mktemp("demo")))


def test_files_one_per_kind_with_the_contract_headers(demo):
    assert set(demo.paths) == set(ROSTER_HEADERS)
    assert demo.paths["units"].suffix == ".xlsx"  # both readers get exercised by the demo
    assert {p.suffix for k, p in demo.paths.items() if k != "units"} == {".csv"}
    for kind, header in ROSTER_HEADERS.items():
        assert demo.headers[kind] == header, kind


def test_same_seed_same_bytes_other_seed_other_district(tmp_path):
    a = generate_rosters(tmp_path / "a", seed=7)
    b = generate_rosters(tmp_path / "b", seed=7)
    c = generate_rosters(tmp_path / "c", seed=8)
    for kind in a:
        assert a[kind].read_bytes() == b[kind].read_bytes(), kind
    assert a["people"].read_bytes() != c["people"].read_bytes()
    assert a["links"].read_bytes() != c["links"].read_bytes()


def test_unit_counts_and_huangpi_townships(demo):
    assert [r["名称"] for r in demo.of_kind("区")] == ["黄陂区"]
    streets = sorted(r["名称"] for r in demo.of_kind("街道"))
    assert streets == sorted(f"{n}街道" for n in HUANGPI)
    assert [r["名称"] for r in demo.of_kind("乡")] == ["木兰乡"]
    villages = demo.of_kind("村", "社区")
    assert 600 <= len(villages) <= 700
    assert Counter(r["类型"] for r in villages)["社区"] >= 20
    assert len(demo.of_kind("机关")) >= 20 and demo.of_kind("企业") and demo.of_kind("社会组织")


def test_ids_unique_and_every_reference_resolves(demo):
    assert len(demo.units) == len(demo.rows["units"])
    assert len(demo.people) == len(demo.rows["people"])
    for r in demo.rows["units"]:
        for col in ("上级编码", "综合党委编码"):
            assert not r[col] or r[col] in demo.units, (r, col)
        assert r["生效日期"]
    for r in demo.rows["people"]:
        assert r["工作单位编码"] in demo.units
    for kind in ("links", "appointment"):
        for r in demo.rows[kind]:
            assert r["人员编码"] in demo.people and r["单位编码"] in demo.units, (kind, r)
    for r in demo.rows["weak"]:
        assert demo.units[r["单位编码"]]["类型"] in ("村", "社区")


def test_hierarchy_fits_the_model(demo):
    parent_kind = {"街道": {"区"}, "乡": {"区"}, "机关": {"区"}, "区域综合党委": {"街道", "乡"},
                   "村": {"街道", "乡"}, "社区": {"街道", "乡"}, "企业": {"街道", "乡"}, "社会组织": {"街道", "乡"}}
    for r in demo.rows["units"]:
        if r["类型"] == "区":
            assert not r["上级编码"]
            continue
        assert demo.units[r["上级编码"]]["类型"] in parent_kind[r["类型"]], r
        if r["综合党委编码"]:
            comp = demo.units[r["综合党委编码"]]
            assert comp["类型"] == "区域综合党委" and comp["上级编码"] == r["上级编码"], r


def test_village_names_unique_within_a_township(demo):
    seen = Counter((r["上级编码"], r["名称"]) for r in demo.of_kind("村", "社区"))
    assert max(seen.values()) == 1


def test_seed_villages_in_their_streets(demo):
    street_of = {r["名称"]: demo.units[r["上级编码"]]["名称"] for r in demo.of_kind("村")}
    assert street_of["姚家山村"] == "蔡店街道"
    assert street_of["蔡官田村"] == "蔡家榨街道"
    assert street_of["甘棠铺村"] == "六指街道"


def test_composites_three_to_six_per_township_and_zhanghe(demo):
    per_town = Counter(r["上级编码"] for r in demo.of_kind("区域综合党委"))
    towns = demo.of_kind("街道", "乡")
    assert {per_town[t["编码"]] for t in towns} <= set(range(3, 7))
    zhanghe = [r for r in demo.of_kind("区域综合党委") if r["名称"] == "蔡店街张河片区域综合党委"]
    assert len(zhanghe) == 1
    members = [r for r in demo.rows["units"] if r["综合党委编码"] == zhanghe[0]["编码"]]
    assert len(members) == 10 and sum(r["类型"] == "村" for r in members) == 8
    assert "张河村" in {r["名称"] for r in members}
    coordinated = Counter(r["类型"] for r in demo.rows["units"] if r["综合党委编码"])
    assert coordinated["企业"] and coordinated["社会组织"]


def test_people_cadres_leaders_and_committees(demo):
    departments = {r["编码"] for r in demo.of_kind("机关")}
    cadres = [p for p in demo.rows["people"] if p["工作单位编码"] in departments]
    assert 1300 <= len(cadres) <= 1700
    district = demo.of_kind("区")[0]["编码"]
    leaders = demo.current_by_unit("班子成员")[district]
    assert 10 <= len(leaders) <= 12
    members = demo.current_by_unit("班子成员")
    for town in demo.of_kind("街道", "乡"):
        assert len(members[town["编码"]]) >= 5
        assert len(demo.current_by_unit("书记")[town["编码"]]) == 1
    assert all(p["姓名"] and 2 <= len(p["姓名"]) <= 4 for p in demo.rows["people"])


def test_leaders_contact_townships_with_one_gap_and_one_with_three(demo):
    district = demo.of_kind("区")[0]["编码"]
    leaders = demo.current_by_unit("班子成员")[district]
    contacts = demo.current_by_person("联系街乡")
    assert set(contacts) <= leaders
    assert sorted(len(contacts[p]) for p in leaders).count(3) == 1
    assert all(1 <= len(contacts[p]) <= 3 for p in leaders)
    covered = set().union(*contacts.values())
    uncovered = [t["名称"] for t in demo.of_kind("街道", "乡") if t["编码"] not in covered]
    assert len(uncovered) == 1


def test_village_coverage_gaps_exist_but_are_few(demo):
    villages = demo.of_kind("村", "社区")
    liaised, commissioned = demo.current_by_unit("联系村"), demo.current_by_unit("党建专员")
    no_composite = [v for v in villages if not v["综合党委编码"]]
    no_liaison = [v for v in villages if v["编码"] not in liaised]
    no_commissioner = [v for v in villages if v["编码"] not in commissioned]
    assert 1 <= len(no_composite) <= 0.05 * len(villages)
    assert 1 <= len(no_liaison) <= 0.05 * len(villages)
    assert 1 <= len(no_commissioner) <= 0.25 * len(villages)  # "most villages" have one
    per_cadre = Counter(len(v) for v in demo.current_by_person("联系村").values())
    assert per_cadre[1] > per_cadre[2] > 0 and per_cadre[3] > 0


def test_composite_secretary_gaps(demo):
    secretaries = demo.current_by_unit("书记")
    members = demo.current_by_unit("班子成员")
    missing, outsiders = [], []
    for comp in demo.of_kind("区域综合党委"):
        sec = secretaries.get(comp["编码"], set())
        if not sec:
            missing.append(comp)
        elif not sec <= members[comp["上级编码"]]:
            outsiders.append(comp)
    assert 1 <= len(missing) <= 5
    assert 1 <= len(outsiders) <= 5


def test_link_dates(demo):
    ended = 0
    for r in demo.rows["links"]:
        start = dt.date.fromisoformat(r["开始日期"])
        assert LAUNCH <= start <= dt.date(2019, 4, 28)
        if r["结束日期"]:
            ended += 1
            assert start < dt.date.fromisoformat(r["结束日期"]) <= dt.date(2019, 4, 28)
    assert ended >= 10
    ended_roles = {r["关系"] for r in demo.rows["links"] if r["结束日期"]}
    assert {"联系村", "党建专员", "联系街乡"} <= ended_roles


def test_weak_cases_mixed(demo):
    rows = demo.rows["weak"]
    assert 20 <= len(rows) <= 40
    status = Counter(r["整顿状态"] for r in rows)
    assert set(status) == {"整顿中", "已摘帽"} and min(status.values()) >= 5
    for r in rows:
        assert bool(r["摘帽日期"]) == (r["整顿状态"] == "已摘帽")
        if r["摘帽日期"]:
            assert r["认定日期"] < r["摘帽日期"]
        assert r["原因"]


def test_appointment_records_complete_and_incomplete(demo):
    rows = demo.rows["appointment"]
    liaised = demo.current_by_person("联系村")
    by_cadre: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in rows:
        by_cadre[r["人员编码"]][r["类型"]].add(r["单位编码"])
        assert r["单位编码"] in liaised[r["人员编码"]]
        if r["类型"] == "书面意见":
            assert r["结论"] in ("同意", "不同意") and r["文号"]
        else:
            assert r["类型"] == "任前公示" and r["日期"] < r["结束日期"] and not r["结论"]
    assert 3 <= len(by_cadre) <= 12
    complete = [p for p, t in by_cadre.items() if t["书面意见"] == t["任前公示"] == liaised[p]]
    no_opinion = [p for p, t in by_cadre.items() if t["书面意见"] < liaised[p]]
    no_notice = [p for p, t in by_cadre.items() if t["任前公示"] < liaised[p]]
    assert complete and no_opinion and no_notice
    assert any(r["结论"] == "不同意" for r in rows)


def test_personal_data_some_and_synthetic(demo):
    ids = [p["身份证号"] for p in demo.rows["people"] if p["身份证号"]]
    phones = [p["手机"] for p in demo.rows["people"] if p["手机"]]
    assert 0 < len(ids) < len(demo.rows["people"]) / 2 and 0 < len(phones) < len(demo.rows["people"]) / 2
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for n in ids:
        assert len(n) == 18 and n.startswith("420116")
        assert n[17] == "10X98765432"[sum(int(c) * w for c, w in zip(n[:17], weights, strict=False)) % 11]
    assert all(len(p) == 11 and p.startswith("100") for p in phones)


def test_scale_multiplies_with_unique_ids_and_township_names(tmp_path):
    d = District(generate_rosters(tmp_path, scale=2.5))
    towns = d.of_kind("街道", "乡", "镇")
    assert len(towns) == 48 and len({t["名称"] for t in towns}) == 48
    assert d.paths["units"].suffix == ".csv"
    villages = d.of_kind("村", "社区")
    assert 2.5 * 600 <= len(villages) <= 2.5 * 700
    departments = {r["编码"] for r in d.of_kind("机关")}
    cadres = [p for p in d.rows["people"] if p["工作单位编码"] in departments]
    assert 2.5 * 1300 <= len(cadres) <= 2.5 * 1700
    assert len(d.units) == len(d.rows["units"]) and len(d.people) == len(d.rows["people"])
    assert {p.suffix for p in tmp_path.iterdir()} == {".csv"}


def test_rewriting_a_folder_leaves_one_file_per_kind(tmp_path):
    generate_rosters(tmp_path, scale=1.5)  # units as .csv
    paths = generate_rosters(tmp_path, scale=0.1)  # units as .xlsx: the old units.csv must go
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths.values())


def test_small_scale_keeps_the_seed_villages(tmp_path):
    d = District(generate_rosters(tmp_path, scale=0.1))
    names = {r["名称"] for r in d.of_kind("村")}
    assert {"姚家山村", "蔡官田村", "甘棠铺村"} <= names
    assert 40 <= len(d.of_kind("村", "社区")) <= 100


def test_as_of_moves_the_timeline_and_rejects_a_date_before_the_programme(tmp_path):
    d = District(generate_rosters(tmp_path, as_of="2018-06-30"))
    last = max(max(r["开始日期"], r["结束日期"]) for r in d.rows["links"])
    assert last <= "2018-06-30"
    with pytest.raises(ValueError, match="as_of"):
        generate_rosters(tmp_path / "early", as_of=dt.date(2017, 6, 1))
    with pytest.raises(ValueError, match="scale"):
        generate_rosters(tmp_path / "zero", scale=0)


# -- loaded through the roster loader ----------------------------------------------------------
from redengine import cli  # noqa: E402
from redengine.demo import load_demo, load_demo_if_empty  # noqa: E402
from redengine.domain.statements import AS_OF  # noqa: E402
from redengine.graph import queries  # noqa: E402

ROLE_RELS = {"联系村": "LIAISES_WITH", "联系街乡": "CONTACTS_TOWNSHIP", "党建专员": "COMMISSIONER_OF",
             "书记": "SECRETARY_OF", "班子成员": "COMMITTEE_MEMBER_OF"}


def expected_counts(d: District) -> tuple[dict[str, int], dict[str, int]]:
    """Node and link counts worked out from the roster files alone."""
    people = d.rows["people"]
    opinions = sum(r["类型"] == "书面意见" for r in d.rows["appointment"])
    notices = sum(r["类型"] == "任前公示" for r in d.rows["appointment"])
    personal = sum(bool(p["身份证号"] or p["手机"]) for p in people)
    nodes = {"Unit": len(d.rows["units"]), "Person": len(people), "PersonalData": personal,
             "WeakCase": len(d.rows["weak"]), "Opinion": opinions, "Notice": notices}
    links = {rel: sum(r["关系"] == role for r in d.rows["links"]) for role, rel in ROLE_RELS.items()}
    links |= {"PART_OF": sum(bool(r["上级编码"]) for r in d.rows["units"]),
              "COORDINATED_BY": sum(bool(r["综合党委编码"]) for r in d.rows["units"]),
              "WORKS_AT": sum(bool(p["工作单位编码"]) for p in people), "HAS_PERSONAL_DATA": personal,
              "CONCERNS": len(d.rows["weak"]), "ABOUT": opinions + notices, "GIVEN_BY": opinions, "POSTED_IN": notices}
    return nodes, links


def holding_on(d: District, role: str, day: str) -> int:
    return sum(r["关系"] == role and r["开始日期"] <= day and (not r["结束日期"] or day < r["结束日期"])
               for r in d.rows["links"])


def test_loaded_demo_matches_its_rosters(runner, tmp_path):
    load_demo(runner, out_dir=tmp_path)
    d = District({k: next(tmp_path.glob(f"{k}.*")) for k in ROSTER_HEADERS})
    nodes, links = expected_counts(d)
    got_nodes = {r["label"]: r["n"] for r in runner.read(queries.COUNT_NODES_BY_LABEL)}
    got_links = {r["type"]: r["n"] for r in runner.read(queries.COUNT_RELS_BY_TYPE)}
    assert {k: got_nodes.get(k, 0) for k in nodes} == nodes
    assert got_links == links
    for day in ("2017-06-30", "2018-06-30", "2019-04-28"):  # ended links are history, not current
        for role, rel in ROLE_RELS.items():
            assert len(runner.read(AS_OF[rel], {"as_of": day})) == holding_on(d, role, day), (day, role)


def test_loading_the_same_demo_again_changes_nothing(runner):
    load_demo(runner, scale=0.1)
    before = runner.read(queries.COUNT_RELS_BY_TYPE)
    again = load_demo(runner, scale=0.1)
    assert again.counts == {} and not again.changed
    assert runner.read(queries.COUNT_RELS_BY_TYPE) == before


def test_load_if_empty_only_loads_an_empty_graph(runner):
    assert load_demo_if_empty(runner, scale=0.1) is True
    units = runner.read(queries.COUNT_NODES_BY_LABEL)
    assert load_demo_if_empty(runner, scale=0.5, seed=1) is False
    assert runner.read(queries.COUNT_NODES_BY_LABEL) == units


def test_demo_command(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["demo", "--scale", "0.1", "--out", str(tmp_path / "rosters")]) == 0
    out = capsys.readouterr().out
    d = District({k: next((tmp_path / "rosters").glob(f"{k}.*")) for k in ROSTER_HEADERS})
    villages = len(d.of_kind("村"))
    assert "changes) on falkordb" in out and f"village {villages:,}" in out
    assert cli.main(["demo", "--scale", "0.1"]) == 0
    assert "already loaded (nothing changed)" in capsys.readouterr().out
    assert cli.main(["demo", "--scale", "0.1", "--seed", "5", "--fresh", "--yes"]) == 0  # a different district, cleanly
    assert f"Unit {len(District(generate_rosters(tmp_path / 's5', seed=5, scale=0.1)).rows['units']):,}" in capsys.readouterr().out
    assert cli.main(["demo", "--as-of", "2017-05-01"]) == 2
    assert "--as-of must be on or after 2017-10-25" in capsys.readouterr().err


@pytest.mark.parametrize("as_of", ["2019-04-28", "2026-12-02"])
def test_demo_appointment_checks_are_one_recent_round(runner, tmp_path, as_of):
    """The demo's checks, on its own date (the pilot's end, and a later one): each cadre's blockers are
    exactly the villages the rosters leave without an opinion or a notice, none stale, running or short,
    and some cadres are ready."""
    from redengine.services.appointment import appointment_check

    load_demo(runner, out_dir=tmp_path, scale=0.3, as_of=as_of)
    d = District({k: next(tmp_path.glob(f"{k}.*")) for k in ROSTER_HEADERS})
    liaised = d.current_by_person("联系村")
    has: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in d.rows["appointment"]:
        has[r["类型"]].add((r["人员编码"], r["单位编码"]))
    verdicts = []
    for p in sorted({r["人员编码"] for r in d.rows["appointment"]}):
        expected = sorted([("OPINION_MISSING", v) for v in liaised[p] if (p, v) not in has["书面意见"]]
                          + [("NOTICE_MISSING", v) for v in liaised[p] if (p, v) not in has["任前公示"]])
        c = appointment_check(runner, p, dt.date.fromisoformat(as_of))
        assert sorted((b["kind"].value, b["unit"]["id"]) for b in c["blockers"]) == expected, p
        verdicts.append(c["verdict"])
    assert "READY" in verdicts and "BLOCKED" in verdicts
