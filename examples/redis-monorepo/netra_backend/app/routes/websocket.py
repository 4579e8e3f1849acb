"""WebSocket route handlers (framework-free so the example has no web deps)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from netra_backend.app.auth_integration.auth import AuthenticationError, validate_session
from netra_backend.app.cache.redis_cache_manager import (
    DEFAULT_TTL_SECONDS,
    RedisCacheManager,
)
from netra_backend.app.websocket_core.manager import WebSocketLike, WebSocketManager

# Last-message cache used by the "resume chat" banner.
_message_cache = RedisCacheManager()


def last_message_key(user_id: str) -> str:
    return f"chat:{user_id}:last_message"


async def handle_chat_message(
    manager: WebSocketManager, user_id: str, thread_id: str, text: str
) -> Dict[str, Any]:
    count = await manager.append_message(user_id, thread_id, {"role": "user", "text": text})
    await _message_cache.set(last_message_key(user_id), text, ex=DEFAULT_TTL_SECONDS)
    state = await manager.get_chat_state(user_id, thread_id) or {"thread_id": thread_id}
    state["message_count"] = count
    state["last_message"] = text
    await manager.store_chat_state(user_id, thread_id, state)
    await manager.send_to_user(user_id, {"type": "ack", "message_count": count})
    return state


async def get_last_message(user_id: str) -> Optional[str]:
    return await _message_cache.get(last_message_key(user_id))


async def websocket_endpoint(
    websocket: WebSocketLike, session_id: str, manager: WebSocketManager
) -> Dict[str, Any]:
    """Authenticate the socket from its session and register it."""
    try:
        session = await validate_session(session_id)
    except AuthenticationError:
        await websocket.send_json({"type": "error", "code": 1008})
        raise
    user_id = session["user_id"]
    await manager.connect(user_id, websocket)
    await websocket.send_json({"type": "connected", "user_id": user_id})
    return session
