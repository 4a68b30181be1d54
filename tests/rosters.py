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
