"""The five roster kinds and their columns (ROSTERS.md): Chinese headers, English aliases, required-ness.

A roster's kind is told by its headers; header order does not matter, extra columns are ignored
with a warning, and a header may carry a trailing * (a common "required" mark in templates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from redengine.loaders.problems import Problems, Reason


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    required: bool = False  # `field` is also the English alias of the header


@dataclass(frozen=True)
class Kind:
    name: str
    zh: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


C = Column
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("units", "组织", (
        C("id", "编码", True), C("name", "名称", True), C("kind", "类型", True), C("parent_id", "上级编码"),
        C("composite_id", "综合党委编码"), C("valid_from", "生效日期"), C("predecessor_ids", "前身编码"),
    )),
    Kind("people", "人员", (
        C("id", "人员编码", True), C("name", "姓名", True), C("unit_id", "工作单位编码"), C("title", "职务"),
        C("id_number", "身份证号"), C("phone", "手机"),
    )),
    Kind("links", "联系与任职", (
        C("person_id", "人员编码", True), C("role", "关系", True), C("unit_id", "单位编码", True),
        C("from", "开始日期", True), C("to", "结束日期"),
    )),
    Kind("weak", "软弱涣散", (
        C("unit_id", "单位编码", True), C("flagged_on", "认定日期", True), C("reasons", "原因"),
        C("status", "整顿状态", True), C("lifted_on", "摘帽日期"),
    )),
    Kind("appointment", "意见与公示", (
        C("person_id", "人员编码", True), C("unit_id", "单位编码", True), C("type", "类型", True),
        C("date", "日期", True), C("to", "结束日期"), C("conclusion", "结论"), C("doc_no", "文号"),
    )),
)}

#: Load order when several files are given: what a later kind refers to is loaded first.
ORDER = ("units", "people", "links", "weak", "appointment")

_NOISE = re.compile(r"[\s*＊]+")


def norm(header: str) -> str:
    return _NOISE.sub("", header).lower()


_KNOWN = {norm(t) for k in KINDS.values() for c in k.columns for t in (c.zh, c.field)}


def is_known_header(text: str) -> bool:
    return norm(text) in _KNOWN


def _names(col: Column) -> set[str]:
    return {norm(col.zh), norm(col.field)}


def detect(headers: list[str], problems: Problems) -> Kind | None:
    """The one kind whose required columns are all present; ties go to the kind matching more columns."""
    present = {norm(h) for h in headers if h}
    full = [k for k in KINDS.values() if all(_names(c) & present for c in k.required)]
    if full:
        score = {k.name: sum(bool(_names(c) & present) for c in k.columns) for k in full}
        best = max(score.values())
        top = [k for k in full if score[k.name] == best]
        if len(top) == 1:
            return top[0]
        problems.error(Reason.UNKNOWN_KIND, f"the headers fit several kinds ({', '.join(k.name for k in top)}); pass --kind")
        return None
    closest = max(KINDS.values(), key=lambda k: sum(bool(_names(c) & present) for c in k.required))
    missing = [c.zh for c in closest.required if not _names(c) & present]
    problems.error(Reason.UNKNOWN_KIND, f"the headers fit no roster kind; closest is {closest.name} ({closest.zh}), "
                   f"which also needs: {'、'.join(missing)}")
    return None


def map_columns(kind: Kind, headers: list[str], problems: Problems) -> dict[str, int] | None:
    """field → column index; missing required columns and duplicates are errors, extras warnings."""
    index: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        col = next((c for c in kind.columns if norm(h) in _names(c)), None)
        if col is None:
            problems.warn(Reason.EXTRA_COLUMN, f"column {h!r} is not part of a {kind.name} roster; ignored", column=h)
        elif col.field in index:
            problems.error(Reason.DUPLICATE_COLUMN, f"{col.zh} ({col.field}) appears twice", column=h)
        else:
            index[col.field] = i
    for c in kind.required:
        if c.field not in index:
            problems.error(Reason.MISSING_COLUMN, f"required column {c.zh} ({c.field}) is missing")
    return None if problems.errors else index
