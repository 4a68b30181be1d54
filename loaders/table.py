"""Read a roster file (.xlsx, or .csv in UTF-8, UTF-8 with BOM, GB18030/GBK) into a plain table.

Cells come back as str, int, float, date or None, exactly as the file holds them; `cells.py`
turns them into values. Row numbers are the ones the user sees in the spreadsheet.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from redengine.loaders.problems import Problems, Reason

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312
HEADER_SEARCH_ROWS = 5  # templates often put a title row above the headers


@dataclass(frozen=True)
class Table:
    name: str                          # the file name, for messages
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number, cells), blank rows left out
    sha256: str | None = None              # of the file's bytes; None for a table built in memory

    @classmethod
    def of(cls, name: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
        """A table built in memory (rows numbered as under a header in row 1); "" cells count as empty."""
        pad = [None] * len(headers)
        return cls(name, list(headers), [(n, ([_blank_to_none(c) for c in r] + pad)[:len(headers)])
                                         for n, r in enumerate(rows, start=2)])


def read_table(path: Path | str, problems: Problems, is_header: Callable[[str], bool]) -> Table | None:
    """Read the first sheet of `path`; the header row is the first of the top rows with a known header."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        problems.error(Reason.UNREADABLE, f"unsupported file type {path.suffix!r}: use .xlsx or .csv")
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.error(Reason.UNREADABLE, f"no such file: {path}")
        return None
    except OSError as e:
        problems.error(Reason.UNREADABLE, f"cannot read {path}: {e.strerror or e}")
        return None
    if suffix in (".csv", ".txt"):
        raw = _csv_rows(data, problems)
    else:
        try:
            raw = _xlsx_rows(data)
        except Exception as e:  # openpyxl raises many kinds (zip, xml) for a damaged workbook
            problems.error(Reason.UNREADABLE, f"not a readable workbook: {type(e).__name__}: {e}")
            return None
    if raw is None:
        return None
    table = table_from_rows(path.name, raw, problems, is_header)
    return None if table is None else dataclasses.replace(table, sha256=hashlib.sha256(data).hexdigest())


def table_from_rows(name: str, raw: Sequence[Sequence[object]], problems: Problems,
                    is_header: Callable[[str], bool]) -> Table | None:
    """Find the header row among the first rows and keep the non-blank rows below it."""
    for i, row in enumerate(raw[:HEADER_SEARCH_ROWS]):
        texts = [_header_text(c) for c in row]
        if any(t and is_header(t) for t in texts):
            width = len(texts)
            rows = []
            for n, cells in enumerate(raw[i + 1:], start=i + 2):
                cells = [_blank_to_none(c) for c in list(cells)[:width]]
                cells += [None] * (width - len(cells))
                if any(c is not None for c in cells):
                    rows.append((n, cells))
            return Table(name, texts, rows)
    problems.error(Reason.NO_HEADER, f"no row of known column headers in the first {HEADER_SEARCH_ROWS} rows")
    return None


def _xlsx_rows(data: bytes) -> list[list[object]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _csv_rows(data: bytes, problems: Problems) -> list[list[object]] | None:
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.error(Reason.ENCODING, "the file is neither UTF-8 nor GB18030/GBK; save it as CSV UTF-8")
        return None
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def _header_text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _blank_to_none(cell: object) -> object:
    if isinstance(cell, str):
        cell = cell.strip()  # str.strip() also removes the full-width space U+3000
        return cell or None
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
        return cell.date()
    return cell
