"""Helpers for the loader tests: write small rosters as files, and take a snapshot of the whole graph."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from redengine.graph.statements import read

ALL_NODES = read("test.loaders.all_nodes", "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
ALL_RELS = read(
    "test.loaders.all_rels",
    "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props",
)

UNITS = ["编码", "名称", "类型", "上级编码", "综合党委编码", "生效日期", "前身编码"]
PEOPLE = ["人员编码", "姓名", "工作单位编码", "职务", "身份证号", "手机"]
LINKS = ["人员编码", "关系", "单位编码", "开始日期", "结束日期"]
WEAK = ["单位编码", "认定日期", "原因", "整顿状态", "摘帽日期"]
APPOINTMENT = ["人员编码", "单位编码", "类型", "日期", "结束日期", "结论", "文号"]


def csv_file(path: Path, header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r] + [""] * (len(header) - len(r)))
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def xlsx_file(path: Path, header: list[str], rows: list[list[object]], title: str | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def graph_state(runner) -> tuple[list, list]:
    """Every node and link with its properties, sorted: equal before and after means nothing changed."""
    nodes = sorted(repr((sorted(r["labels"]), sorted(r["props"].items()))) for r in runner.read(ALL_NODES))
    rels = sorted(repr((r["a"], r["type"], r["b"], sorted(r["props"].items()))) for r in runner.read(ALL_RELS))
    return nodes, rels


def district(tmp_path: Path) -> Path:
    """A small district: D ← T1 (蔡店街道) ← C1 composite, V1, V2 (coordinated by C1), and T2 ← V3; a department."""
    return csv_file(tmp_path / "units.csv", UNITS, [
        ["D", "黄陂区", "区"],
        ["T1", "蔡店街道", "街道", "D"],
        ["C1", "张河片区域综合党委", "区域综合党委", "T1"],
        ["V1", "张河村", "村", "T1", "C1"],
        ["V2", "李湾村", "村", "T1", "C1"],
        ["T2", "六指街道", "街道", "D"],
        ["V3", "甘棠铺村", "村", "T2"],
        ["B1", "区委组织部", "机关", "D"],
    ])


def first_call(d):
    """Nothing in the graph yet: people, links, weak cases and records all name units of the same call."""
    return [
        csv_file(d / "a.csv", APPOINTMENT, [["P1", "V1", "书面意见", "2017-05-01", "", "同意"]]),
        csv_file(d / "l.csv", LINKS, [["P1", "联系村", "V1", "2017-05-01"], ["P2", "书记", "V1", "2016-01-01"]]),
        csv_file(d / "w.csv", WEAK, [["V2", "2017-05-01", "班子不团结", "整顿中"]]),
        csv_file(d / "p.csv", PEOPLE, [["P1", "王芳", "B1"], ["P2", "李明", "V1", "书记"]]),
        district(d),
    ]


def second_call(d):
    """V3 ends and V4 is new; P3 is new at V4; P1's liaison moves from V1 to V4, P3 becomes V4's commissioner."""
    units = [r for r in [["D", "黄陂区", "区"], ["T1", "蔡店街道", "街道", "D"], ["C1", "张河片区域综合党委", "区域综合党委", "T1"],
                         ["V1", "张河村", "村", "T1", "C1"], ["V2", "李湾村", "村", "T1", "C1"], ["T2", "六指街道", "街道", "D"],
                         ["B1", "区委组织部", "机关", "D"], ["V4", "新建村", "村", "T2"]]]
    return [
        csv_file(d / "l2.csv", LINKS, [["P1", "联系村", "V4", "2018-01-01"], ["P2", "书记", "V1", "2016-01-01"],
                                       ["P3", "党建专员", "V4", "2018-01-01"]]),
        csv_file(d / "p2.csv", PEOPLE, [["P1", "王芳", "B1"], ["P2", "李明", "V1", "书记"], ["P3", "赵敏", "V4"]]),
        csv_file(d / "u2.csv", UNITS, units),
    ]


#: properties that name a load or a moment (which sync wrote it, when): they differ between two runs
#: that leave the same graph
VOLATILE = frozenset({"recorded_at", "ended_at", "updated_at", "corrected_at", "reopened_at", "source", "ended_by",
                      "reopened_by", "corrected_by", "resumed_by", "updated_by", "applied_at", "created_at"})


def stable_state(runner) -> tuple[list, list]:
    """Like graph_state without Sync records and without volatile properties: what two runs of the same
    load must agree on."""
    def keep(props: dict) -> list:
        return sorted((k, v) for k, v in props.items()
                      if k not in VOLATILE and not (isinstance(v, str) and v.startswith("sync:")))

    nodes = sorted(repr((sorted(r["labels"]), keep(r["props"]))) for r in runner.read(ALL_NODES) if "Sync" not in r["labels"])
    rels = sorted(repr((r["a"], r["type"], r["b"], keep(r["props"]))) for r in runner.read(ALL_RELS))
    return nodes, rels


def merge_call(d):
    """V1 and V2 merge into V9 (前身编码): both end with their links, and an event leads from them to V9."""
    return [csv_file(d / "u3.csv", UNITS, [
        ["D", "黄陂区", "区"], ["T1", "蔡店街道", "街道", "D"], ["C1", "张河片区域综合党委", "区域综合党委", "T1"],
        ["V9", "张李村", "村", "T1", "C1", "", "V1、V2"], ["T2", "六指街道", "街道", "D"], ["V3", "甘棠铺村", "村", "T2"],
        ["B1", "区委组织部", "机关", "D"]])]
