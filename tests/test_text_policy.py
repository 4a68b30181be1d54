"""What a stored string may hold (redengine/text.py), and rosters that use what is allowed."""

from __future__ import annotations

import datetime as dt

import pytest
from rosters import LINKS, PEOPLE, UNITS, csv_file, district

from redengine.cli import main
from redengine.graph.statements import read
from redengine.loaders import load_rosters
from redengine.text import bad_char

NAMES = read("test.text.names", "MATCH (u:Unit) WHERE u.id IN $ids RETURN u.id AS id, u.name AS name ORDER BY id")


@pytest.mark.parametrize("value, free_text, refused", [
    ("V1", False, None),
    ("张河村", False, None),
    ("𠀀村", False, None),                      # a rare name character outside the BMP is text, not noise
    ("V\x001", True, ("control", 2, 0x00)),
    ("a\tb", False, ("control", 2, 0x09)),
    ("a\tb", True, None),
    ("line one\r\nline two", True, None),
    ("a\x85", True, ("control", 2, 0x85)),     # C1 NEXT LINE
    ("a\x7f", True, ("control", 2, 0x7F)),
    ("a\ud800", True, ("control", 2, 0xD800)),  # a lone surrogate (JSON "\ud800")
    ("V\u200b1", False, ("invisible", 2, 0x200B)),
    ("V\u200b1", True, None),                   # zero-width space in free text: some scripts use it
    ("x\u200dy", False, ("invisible", 2, 0x200D)),
    ("\ufeffV1", False, ("invisible", 1, 0xFEFF)),
    ("\ufeff张", True, ("invisible", 1, 0xFEFF)),
    ("ab\u202ecd", True, ("invisible", 3, 0x202E)),
    ("ab\u2066cd", True, ("invisible", 3, 0x2066)),
    ("so\xadft", False, ("invisible", 3, 0xAD)),
])
def test_the_policy(value, free_text, refused):
    bad = bad_char(value, free_text)
    got = None if bad is None else ("control" if bad.control else "invisible", bad.position, ord(bad.char))
    assert got == refused


def test_the_message_names_the_character_and_where():
    assert bad_char("P1\x00", False).describe() == "holds a control character U+0000 (NUL) at position 3; remove it"
    assert "U+200B (ZERO WIDTH SPACE)" in bad_char("P\u200b", False).describe()


def test_a_line_break_is_kept_in_free_text(runner, tmp_path):
    """An Excel cell may hold a line break (Alt+Enter): in a name it is kept as written."""
    rows = [["D", "黄陂区", "区"], ["T1", "蔡店\n街道", "街道", "D"], ["V1", "张河村", "村", "T1"]]
    load_rosters(runner, [csv_file(tmp_path / "u.csv", UNITS, rows)], as_of=dt.date(2017, 5, 1))
    assert runner.read(NAMES, {"ids": ["T1", "V1"]}) == [{"id": "T1", "name": "蔡店\n街道"}, {"id": "V1", "name": "张河村"}]


def test_the_cli_refuses_a_nul_with_exit_2_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    people = csv_file(tmp_path / "p.csv", PEOPLE, [["P1", "王\x00芳", "B1"]])
    links = csv_file(tmp_path / "l.csv", LINKS, [["P1", "联系村", "V\u200b1", "2017-05-01"]])
    assert main(["load", str(district(tmp_path)), str(people), str(links), "--as-of", "2017-05-01"]) == 2
    err = capsys.readouterr().err
    assert "p.csv row 2 [姓名]: control character: 姓名 holds a control character U+0000 (NUL)" in err
    assert "l.csv row 2 [单位编码]: invisible character" in err and "nothing was changed" in err
    assert main(["history"]) == 0
    assert "no roster has been loaded yet" in capsys.readouterr().out
