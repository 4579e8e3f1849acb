"""Command-counting manager for the /metrics endpoint."""

from __future__ import annotations

from collections import Counter
from typing import Any, Optional

from netra_backend.app.redis_manager import RedisManager


class InstrumentedRedisManager(RedisManager):
    """Counts get/set calls; everything else is inherited."""

    def __init__(self, url: Optional[str] = None) -> None:
        super().__init__(url)
        self.calls: Counter[str] = Counter()

    async def get(self, key: str) -> Optional[str]:
        self.calls["get"] += 1
        return await super().get(key)

    async def set(self, key: str, value: Any, ex: Optional[int] = None) -> bool:
        self.calls["set"] += 1
        return await super().set(key, value, ex=ex)
