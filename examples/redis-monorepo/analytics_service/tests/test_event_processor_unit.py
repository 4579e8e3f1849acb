"""EventProcessor against mocks and the in-memory fake."""

from __future__ import annotations

import asyncio
from unittest.mock import Mock

from analytics_service.analytics_core import get_analytics_redis
from analytics_service.analytics_core.database.redis_manager import RedisManager
from analytics_service.analytics_core.services.event_processor import EventProcessor
from analytics_service.analytics_core.services.metrics_aggregator import MetricsAggregator
from test_framework.fixtures.fake_redis import InMemoryRedis


def test_record_event_pushes_and_counts():
    redis = Mock(spec=RedisManager)
    redis.incr.return_value = 1
    processor = EventProcessor(redis)
    assert asyncio.run(processor.record_event("chat_message", "u1")) == 1
    redis.lpush.assert_awaited_once()
    redis.incr.assert_awaited_once_with("analytics:count:chat_message")


def test_recent_events_roundtrip():
    processor = EventProcessor(InMemoryRedis())

    async def flow():
        await processor.record_event("login", "u2")
        await processor.record_event("chat_message", "u2", {"chars": 12})
        return await processor.recent_events("u2")

    events = asyncio.run(flow())
    assert [e["type"] for e in events] == ["chat_message", "login"]


def test_rollup_with_fake():
    aggregator = MetricsAggregator()
    aggregator._redis = InMemoryRedis()

    async def flow():
        await aggregator._redis.set("analytics:count:login", "4")
        return await aggregator.rollup(["login", "chat_message"])

    assert asyncio.run(flow()) == {"login": 4, "chat_message": 0}


def test_shared_analytics_redis_is_cached():
    assert get_analytics_redis() is get_analytics_redis()
