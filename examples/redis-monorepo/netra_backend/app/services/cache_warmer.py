"""Warms the response cache at worker start."""

from __future__ import annotations

import os
from typing import Dict

from netra_backend.app.cache import redis_cache_manager

WARM_TTL_SECONDS = redis_cache_manager.DEFAULT_TTL_SECONDS * 2


def build_warm_cache():
    return redis_cache_manager.RedisCacheManager(
        url=os.environ.get("CACHE_REDIS_URL"), default_ttl=WARM_TTL_SECONDS
    )


async def warm(entries: Dict[str, str]) -> int:
    cache = build_warm_cache()
    for key, value in entries.items():
        await cache.set(key, value, ex=WARM_TTL_SECONDS)
    return len(entries)
