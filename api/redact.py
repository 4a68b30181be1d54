"""No token in a log line: every record is scrubbed of anything shaped like an API token.

uvicorn's access log records full query strings (a browser may carry a token in one, percent-encoded
in any way), any message could quote a header, an exception's text or traceback may quote one, and
strawberry logs its errors (a token sent as a wrong-typed variable is quoted in one) through its own
logger with the GraphQLError object itself as the message. A logger's filter only sees records made
at that logger, not those propagated from children, so the scrub runs where every record is made
(the log-record factory) and again as a filter on the server's handlers.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from redengine.services.tokens import PREFIX

_ESC = r"%(?:25)*"  # a percent escape, encoded once or more (%5F, %255F …)


def _char(c: str) -> str:
    code = f"{ord(c):02x}"
    return rf"(?:{re.escape(c)}|{_ESC}{code[0]}[{code[1]}{code[1].upper()}]|\\u00{code})"


#: the prefix literally or escaped, then at least 16 token characters, each literal or escaped
TOKEN_TEXT = re.compile("".join(_char(c) for c in PREFIX)
                        + rf"(?:[A-Za-z0-9_\-]|{_ESC}[0-9A-Fa-f]{{2}}|\\u00[0-9A-Fa-f]{{2}}){{16,}}")
REDACTED = PREFIX + "[redacted]"
#: the loggers the server writes through (uvicorn's, strawberry's, ours) and the root
LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error", "strawberry", "strawberry.execution",
           "redengine", "redengine.api", "redengine.audit")
_PLAIN = (int, float, bool, type(None))
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    return TOKEN_TEXT.sub(REDACTED, text)


def _scrubbed(value: Any) -> Any:
    """`value` unchanged unless its text holds a token; then that text, redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, _PLAIN):
        return value
    try:
        text = str(value)
    except Exception:
        return value
    return redact(text) if TOKEN_TEXT.search(text) else value


def scrub(record: logging.LogRecord) -> logging.LogRecord:
    """Redact the record's message, arguments, exception text and stack in place.

    An exception is formatted now into `exc_text` (which every `logging.Formatter` prints as it is)
    and `exc_info` dropped, so no formatter re-renders the traceback from the live exception."""
    record.msg = _scrubbed(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_scrubbed(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _scrubbed(v) for k, v in record.args.items()}
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = _FORMATTER.formatException(record.exc_info)
        record.exc_info = None
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        scrub(record)
        return True


def _scrubbing_factory(base):
    def make(*args, **kwargs) -> logging.LogRecord:
        return scrub(base(*args, **kwargs))

    make.redacts = True
    return make


def install() -> None:
    """Scrub every record this process makes, and put the filter on the server's loggers and their
    handlers and on logging's last-resort handler (idempotent). Call it again after uvicorn
    configured logging, so its handlers get the filter too."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "redacts", False):
        logging.setLogRecordFactory(_scrubbing_factory(factory))
    targets: list[Any] = [logging.lastResort] if logging.lastResort else []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        targets += [logger, *logger.handlers]
    for target in targets:
        if not any(isinstance(f, RedactTokens) for f in target.filters):
            target.addFilter(RedactTokens())
