"""Fixed-window rate limiter for chat messages."""

from __future__ import annotations

import time

import netra_backend.app.cache.redis_cache_manager as cache_mod

WINDOW_SECONDS = 60
MAX_MESSAGES_PER_WINDOW = 30

_counter_store = cache_mod.RedisCacheManager()


def window_key(user_id: str, now: float) -> str:
    # cache_key() is a plain helper of the cache module, not a Redis manager.
    return cache_mod.cache_key("ratelimit", user_id, int(now // WINDOW_SECONDS))


async def allow_message(user_id: str, now: float | None = None) -> bool:
    key = window_key(user_id, time.time() if now is None else now)
    count = await _counter_store.incr(key)
    if count == 1:
        await _counter_store.expire(key, WINDOW_SECONDS)
    return count <= MAX_MESSAGES_PER_WINDOW
