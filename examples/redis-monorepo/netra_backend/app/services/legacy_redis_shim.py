"""v0 shim: re-exports the old db manager wholesale."""

from __future__ import annotations

from netra_backend.app.db.redis_manager import *  # noqa: F403


def legacy_manager():
    return RedisManager()  # noqa: F405


def legacy_singleton():
    return get_redis_manager()  # noqa: F405
