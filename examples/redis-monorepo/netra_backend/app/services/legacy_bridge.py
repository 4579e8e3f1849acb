"""Bridge for the v1 API workers; optional cache layer."""

from __future__ import annotations

try:
    from netra_backend.app.cache.redis_cache_manager import RedisCacheManager
except ImportError:  # the cache layer is not deployed on every worker
    RedisCacheManager = None

from netra_backend.app.db.redis_manager import RedisManager


def cache_available() -> bool:
    return RedisCacheManager is not None


def build_bridge_store():
    # A *local* named like the canonical singleton: a naive rewrite of the
    # call below would produce `redis_manager = redis_manager` (UnboundLocalError).
    redis_manager = RedisManager()
    return redis_manager


def build_bridge_cache():
    if RedisCacheManager is None:
        return build_bridge_store()
    return RedisCacheManager()
