"""A per-token rate limit on sensitive reads (ID numbers, phones): a token bucket per token, in memory.

One request may read many people's sensitive fields (the audit log keeps one entry for it, see
`audit.sensitive_read_steps`); this bounds how fast one token can harvest them. The bucket holds
`per_minute` reads and refills continuously; a batch of reads is taken whole or refused whole, so a
client never gets half a list. State is per server process (the API runs as one).
"""

from __future__ import annotations

import math
import threading
import time

from redengine.errors import RedEngineError

#: sensitive values (a field of a person) one token may read per minute, unless the setting says otherwise
DEFAULT_PER_MINUTE = 6000  # the default of Settings.sensitive_reads_per_minute
ENV = "REDENGINE_SENSITIVE_READS_PER_MINUTE"


class RateLimited(RedEngineError):
    """Too many sensitive reads for this token; shown to the client with when to retry."""

    def __init__(self, wanted: int, per_minute: int, retry_after: float):
        self.retry_after = retry_after
        super().__init__(f"rate limit: this token may read {per_minute} sensitive values (ID numbers, phones) a "
                         f"minute; this request asks for {wanted}; retry in {math.ceil(retry_after)} s "
                         "or ask for fewer people")

    @property
    def extensions(self) -> dict:
        return {"code": "RATE_LIMITED", "retryAfter": math.ceil(self.retry_after)}


class SensitiveReadLimit:
    def __init__(self, per_minute: int = DEFAULT_PER_MINUTE, clock=time.monotonic):
        if per_minute <= 0:
            raise ValueError(f"{ENV} must be a positive number, not {per_minute}")
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # token id → (reads left, when counted)

    def take(self, token_id: str, n: int) -> None:
        """Count `n` reads for the token, or raise RateLimited (counting nothing)."""
        rate = self.per_minute / 60.0
        with self._lock:
            now = self._clock()
            left, then = self._buckets.get(token_id, (float(self.per_minute), now))
            left = min(float(self.per_minute), left + (now - then) * rate)
            if n > left:
                self._buckets[token_id] = (left, now)
                wait = (n - left) / rate if n <= self.per_minute else 60.0
                raise RateLimited(n, self.per_minute, wait)
            self._buckets[token_id] = (left - n, now)
