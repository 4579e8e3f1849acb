"""Mission-critical checks for the Redis SSOT consolidation.

Target pattern everywhere:
    from netra_backend.app.redis_manager import redis_manager
Never again:
    from netra_backend.app.cache.redis_cache_manager import RedisCacheManager
"""

from __future__ import annotations

import asyncio

from netra_backend.app.db.redis_manager import RedisManager as LegacyRedisManager  # ssot: ignore[redis-ssot]
from netra_backend.app.redis_manager import redis_manager
from test_framework.redis_test_utils.test_redis_manager import RedisTestManager


def test_canonical_singleton_is_shared():
    from netra_backend.app import redis_manager as module

    assert module.redis_manager is redis_manager


def test_legacy_wrapper_is_a_canonical_subclass():
    # Kept on purpose (suppressed above): the compatibility wrapper must keep
    # behaving like the canonical manager until it is deleted.
    assert isinstance(LegacyRedisManager(), type(redis_manager))


def test_test_manager_and_canonical_share_keyspace(redis_server):
    async def flow():
        helper = RedisTestManager()
        await helper.set("mission:ssot", "one-keyspace")
        return await redis_manager.get("mission:ssot")

    assert asyncio.run(flow()) == "one-keyspace"
