"""Issues and revokes login tokens (session ids)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional

from auth_service.auth_core import token_blacklist
from auth_service.auth_core.session_store import SessionStore

if TYPE_CHECKING:
    from auth_service.auth_core.redis_manager import RedisManager


class TokenService:
    def __init__(self, redis: Optional[RedisManager] = None) -> None:
        self._sessions = SessionStore(redis)

    async def login(self, user_id: str, **claims: Any) -> str:
        return await self._sessions.create_session(user_id, **claims)

    async def logout(self, session_id: str) -> None:
        await self._sessions.revoke(session_id)
        await token_blacklist.revoke_token(session_id)

    async def whoami(self, session_id: str) -> Optional[Dict[str, Any]]:
        if await token_blacklist.is_revoked(session_id):
            return None
        return await self._sessions.read_session(session_id)
