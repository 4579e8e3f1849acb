"""Records product analytics events (chat_message, login, agent_run...)."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional

from analytics_service.analytics_core.database.redis_manager import RedisManager

EVENTS_KEEP = 1000


def events_key(user_id: str) -> str:
    return f"analytics:events:{user_id}"


def counter_key(event_type: str) -> str:
    return f"analytics:count:{event_type}"


class EventProcessor:
    def __init__(self, redis: Optional[RedisManager] = None) -> None:
        self._redis = redis if redis is not None else RedisManager()

    async def record_event(
        self, event_type: str, user_id: str, properties: Optional[Dict[str, Any]] = None
    ) -> int:
        event = {"type": event_type, "user_id": user_id, "ts": time.time(), "properties": properties or {}}
        await self._redis.lpush(events_key(user_id), json.dumps(event))
        return await self._redis.incr(counter_key(event_type))

    async def event_count(self, event_type: str) -> int:
        return int(await self._redis.get(counter_key(event_type)) or 0)

    async def recent_events(self, user_id: str, limit: int = 10) -> List[Dict[str, Any]]:
        raw = await self._redis.lrange(events_key(user_id), 0, limit - 1)
        return [json.loads(item) for item in raw]
