"""Feature flags: already on the SSOT pattern (must produce no findings)."""

from __future__ import annotations

from netra_backend.app import redis_manager as redis_module
from netra_backend.app.redis_manager import redis_manager

# Before issue #226 this module carried its own pool:
# from netra_backend.app.cache.redis_cache_manager import RedisCacheManager
# _flags = RedisCacheManager()

FLAG_PREFIX = "flag:"


async def set_flag(name: str, enabled: bool) -> None:
    await redis_manager.set(FLAG_PREFIX + name, "1" if enabled else "0")


async def flag_enabled(name: str) -> bool:
    return (await redis_manager.get(FLAG_PREFIX + name)) == "1"


def uses_shared_manager() -> bool:
    return redis_module.redis_manager is redis_manager
