"""Auth service's facade over Redis (sessions and login counters)."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from auth_service.auth_core.redis_manager import auth_redis_manager


class RedisService:
    def __init__(self, manager: Any = None) -> None:
        self._manager = manager or auth_redis_manager

    async def store_session(self, session_id: str, data: Dict[str, Any], ttl: int = 3600) -> None:
        await self._manager.set(f"session:{session_id}", json.dumps(data), ex=ttl)

    async def get_session(self, session_id: str) -> Optional[Dict[str, Any]]:
        raw = await self._manager.get(f"session:{session_id}")
        return json.loads(raw) if raw else None

    async def delete_session(self, session_id: str) -> bool:
        return await self._manager.delete(f"session:{session_id}") > 0

    async def record_login(self, user_id: str) -> int:
        return await self._manager.incr(f"logins:{user_id}")


redis_service = RedisService()
