"""DEPRECATED backend Redis manager (compatibility wrapper only).

Old code does::

    from netra_backend.app.db.redis_manager import RedisManager

New code must use ``from netra_backend.app.redis_manager import redis_manager``.
This module is kept until phase 2B of the Redis SSOT migration has landed.
"""

from __future__ import annotations

from typing import Optional

from netra_backend.app.redis_manager import RedisManager as _CanonicalRedisManager

__all__ = ["RedisManager", "get_redis_manager"]


class RedisManager(_CanonicalRedisManager):
    """Same behaviour as the canonical manager, but a separate pool per instance."""

    _instance: Optional["RedisManager"] = None

    def __init__(self, url: Optional[str] = None, *, db_label: str = "primary") -> None:
        super().__init__(url)
        self.db_label = db_label


def get_redis_manager() -> RedisManager:
    return RedisManager.get_instance()
