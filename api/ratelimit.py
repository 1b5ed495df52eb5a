"""Token buckets per caller (token or client IP): bursts of writes or searches get 429 + Retry-After."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from api.errors import WebError

MAX_CALLERS = 10_000  # bound memory under a flood of distinct addresses


class RateLimiter:
    """`rate_per_minute` tokens refill continuously; a full bucket allows that many at once."""

    def __init__(self, name: str, rate_per_minute: int, clock: Callable[[], float] | None = None) -> None:
        self.name = name
        self.capacity = float(max(1, rate_per_minute))
        self.refill_per_second = max(1, rate_per_minute) / 60.0
        self._clock = clock or time.monotonic
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, caller: str) -> None:
        """Take one token for `caller` or raise 429 with the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(caller, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.refill_per_second)
            if tokens < 1.0:
                self._buckets[caller] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self.refill_per_second)
                raise WebError(429, f"too many {self.name} requests; try again in {wait} s",
                               {"Retry-After": str(max(1, wait))})
            self._buckets[caller] = (tokens - 1.0, now)
            while len(self._buckets) > MAX_CALLERS:
                self._buckets.popitem(last=False)
