"""Backend side of authentication: reads sessions that auth_service wrote.

The seed migration plan quotes this file's old pattern; the remediation is::

    # Before (DEPRECATED):
    from netra_backend.app.redis_manager import RedisManager as AuthRedisManager
    auth_redis = AuthRedisManager()

    # After (SSOT):
    from netra_backend.app.redis_manager import redis_manager
    auth_redis = redis_manager
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, Optional

from netra_backend.app.redis_manager import RedisManager as AuthRedisManager

if TYPE_CHECKING:
    from auth_service.auth_core.redis_manager import RedisManager as AuthServiceRedisManager

SESSION_KEY_PREFIX = "session:"

auth_redis = AuthRedisManager()


class AuthenticationError(Exception):
    """The session is unknown or expired."""


def session_key(session_id: str) -> str:
    return SESSION_KEY_PREFIX + session_id


async def get_session(session_id: str) -> Optional[Dict[str, Any]]:
    raw = await auth_redis.get(session_key(session_id))
    return json.loads(raw) if raw else None


async def validate_session(session_id: str) -> Dict[str, Any]:
    session = await get_session(session_id)
    if session is None or not session.get("user_id"):
        raise AuthenticationError(f"unknown session {session_id!r}")
    return session


def describe_store(store: Optional[AuthServiceRedisManager] = None) -> str:
    """Used by the admin page; only annotates with the auth-service type."""
    target = store if store is not None else auth_redis
    return f"{type(target).__name__} at {target.url}"
