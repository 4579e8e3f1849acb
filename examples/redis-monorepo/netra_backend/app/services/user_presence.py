"""Online/offline presence for the sidebar (this file uses CRLF line endings)."""

from __future__ import annotations

from typing import Optional

from netra_backend.app.db.redis_manager import RedisManager

PRESENCE_TTL_SECONDS = 120


class PresenceTracker:
    def __init__(self, redis: Optional[RedisManager] = None) -> None:
        self._redis = redis or RedisManager()

    async def mark_online(self, user_id: str) -> None:
        await self._redis.set(f"presence:{user_id}", "online", ex=PRESENCE_TTL_SECONDS)

    async def is_online(self, user_id: str) -> bool:
        return await self._redis.exists(f"presence:{user_id}")
