"""Which characters a stored string may hold: one policy for rosters and API arguments.

The engines refuse some characters outright (a NUL ends FalkorDB's command; a lone surrogate
cannot be encoded as UTF-8), and invisible ones in an id make two ids that look the same differ.
So, everywhere:

- control characters (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F) and lone surrogates are
  refused, except tab, line feed and carriage return in free text (a name, a title, a reason, a
  document number: an Excel cell may hold a line break);
- in free text, the invisible characters that are never wanted are refused too: a BOM inside the
  text and the bidirectional controls that reorder what the reader sees;
- in an id (or a date, or any other coded value) every invisible (Unicode "format") character is
  refused as well: zero-width space, joiners, word joiner, soft hyphen, BOM, bidi controls.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ALLOWED_CONTROLS = "\t\n\r"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_UNWANTED_INVISIBLE = frozenset("\ufeff\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: a fast first pass: any character that could be refused (the format category is checked after)
_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                      r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]|[^\x00-\uffff]")


@dataclass(frozen=True)
class BadChar:
    """The first refused character of a string: why, which and where (1-based)."""

    control: bool   # a control character (else an invisible one)
    char: str
    position: int

    @property
    def name(self) -> str:
        code = f"U+{ord(self.char):04X}"
        if 0xD800 <= ord(self.char) <= 0xDFFF:
            return f"{code} (a lone surrogate, which no text encoding can store)"
        if self.char in _CONTROL_NAMES:
            return f"{code} ({_CONTROL_NAMES[self.char]})"
        return f"{code} ({unicodedata.name(self.char, 'control character')})"

    def describe(self) -> str:
        kind = "a control character" if self.control else "an invisible character"
        return f"holds {kind} {self.name} at position {self.position}; remove it"


_CONTROL_NAMES = {"\x00": "NUL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE",
                  "\x7f": "DELETE",
                  "\ufeff": "BYTE ORDER MARK"}


def bad_char(value: str, free_text: bool, line_breaks: bool | None = None) -> BadChar | None:
    """The first character of `value` that may not be stored, or None. `line_breaks` (default: as
    `free_text`) lets tab, LF and CR through, e.g. in a cell listing several ids one per line."""
    if not _SUSPECT.search(value):
        return None
    breaks = free_text if line_breaks is None else line_breaks
    for i, ch in enumerate(value, start=1):
        if _CONTROL.match(ch):
            if breaks and ch in _ALLOWED_CONTROLS:
                continue
            return BadChar(True, ch, i)
        if free_text:
            if ch in _UNWANTED_INVISIBLE:
                return BadChar(False, ch, i)
        elif unicodedata.category(ch) == "Cf":
            return BadChar(False, ch, i)
    return None
