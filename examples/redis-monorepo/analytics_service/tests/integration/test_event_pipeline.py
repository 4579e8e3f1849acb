"""Event pipeline against a real redis-server (root conftest `redis_server`)."""

from __future__ import annotations

import asyncio

from analytics_service.analytics_core.database.redis_manager import RedisManager
from analytics_service.analytics_core.services.event_processor import EventProcessor
from test_framework.redis_test_utils.test_redis_manager import RedisTestManager


def test_events_are_counted_in_redis(redis_server):
    async def flow():
        processor = EventProcessor(RedisManager())
        for _ in range(3):
            await processor.record_event("agent_run", "pipeline-user")
        checker = RedisTestManager()
        try:
            return await checker.get("analytics:count:agent_run"), await processor.recent_events("pipeline-user")
        finally:
            await checker.close()

    count, events = asyncio.run(flow())
    assert count == "3"
    assert len(events) == 3
