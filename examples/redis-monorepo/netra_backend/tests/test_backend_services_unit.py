"""Small checks of backend internals that need no server."""

from __future__ import annotations

import asyncio

from netra_backend.app.core import health
from netra_backend.app.services import already_migrated, legacy_bridge, localized_cache, rate_limiter
from test_framework.fixtures.fake_redis import InMemoryRedis


def test_health_default_url():
    assert health.default_redis_url() == "redis://127.0.0.1:6379/0"


def test_health_reports_down_for_closed_port():
    result = asyncio.run(health.check_redis("redis://127.0.0.1:1/0"))
    assert result["redis"] == "down"


def test_legacy_bridge_builds_stores():
    assert legacy_bridge.cache_available()
    assert legacy_bridge.build_bridge_store() is not None
    assert legacy_bridge.build_bridge_cache() is not None


def test_rate_limiter_window(monkeypatch):
    monkeypatch.setattr(rate_limiter, "_counter_store", InMemoryRedis())
    monkeypatch.setattr(rate_limiter, "MAX_MESSAGES_PER_WINDOW", 2)

    async def flow():
        return [await rate_limiter.allow_message("u1", now=120.0) for _ in range(3)]

    assert asyncio.run(flow()) == [True, True, False]


def test_localized_cache(monkeypatch):
    monkeypatch.setattr(localized_cache, "größen_cache", InMemoryRedis())

    async def flow():
        await localized_cache.grüße_speichern("de", "Hallo")
        return await localized_cache.grüße_laden("de")

    assert asyncio.run(flow()) == "Hallo"


def test_already_migrated_uses_shared_manager():
    assert already_migrated.uses_shared_manager()
