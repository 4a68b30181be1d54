"""No token in a log line: a logging filter that blanks anything shaped like an API token.

uvicorn's access log records full query strings (a browser may carry a token in one), and any
message could quote a header; the filter rewrites the record's message and its string arguments.
"""

from __future__ import annotations

import logging
import re

from redengine.api.tokens import PREFIX

TOKEN_TEXT = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_\-]{16,}")
REDACTED = PREFIX + "[redacted]"
#: the loggers the server writes through (uvicorn's, ours) and the root
LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error", "redengine", "redengine.api", "redengine.audit")


def redact(text: str) -> str:
    return TOKEN_TEXT.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install() -> None:
    """Put the filter on the server's loggers and on every handler they write to (idempotent).

    Call it after uvicorn configured logging (its Config does, on creation)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for target in [logger, *logger.handlers]:
            if not any(isinstance(f, RedactTokens) for f in target.filters):
                target.addFilter(RedactTokens())
