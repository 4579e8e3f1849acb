"""Auth sessions: written here, read by the backend's auth integration."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any, Dict, Optional

from .redis_manager import RedisManager, auth_redis_manager

SESSION_TTL_SECONDS = 3600


def session_key(session_id: str) -> str:
    # Must match netra_backend.app.auth_integration.auth.session_key().
    return f"session:{session_id}"


class SessionStore:
    def __init__(self, redis: Optional[RedisManager] = None) -> None:
        self._redis = redis or auth_redis_manager

    async def write_session(self, session_id: str, data: Dict[str, Any], ttl: int = SESSION_TTL_SECONDS) -> None:
        await self._redis.set(session_key(session_id), json.dumps(data), ex=ttl)

    async def create_session(self, user_id: str, ttl: int = SESSION_TTL_SECONDS, **claims: Any) -> str:
        session_id = secrets.token_urlsafe(16)
        await self.write_session(session_id, {"user_id": user_id, "created": time.time(), **claims}, ttl)
        return session_id

    async def read_session(self, session_id: str) -> Optional[Dict[str, Any]]:
        raw = await self._redis.get(session_key(session_id))
        return json.loads(raw) if raw else None

    async def revoke(self, session_id: str) -> bool:
        return await self._redis.delete(session_key(session_id)) > 0


session_store = SessionStore()
