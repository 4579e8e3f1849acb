"""WebSocket session management for the Golden Path chat.

Chat state lives in Redis so that any worker can resume a thread. Before the
SSOT work this module carried a second manager::

    from netra_backend.app.db.redis_manager import RedisManager

which opened its own connection pool per worker (WebSocket 1011 errors under
load). The remaining violation below builds a private instance instead of
using the shared ``redis_manager``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Protocol

from netra_backend.app.redis_manager import RedisManager

CHAT_STATE_TTL_SECONDS = 3600


class WebSocketLike(Protocol):
    async def send_json(self, payload: Dict[str, Any]) -> None: ...


def chat_state_key(user_id: str, thread_id: str) -> str:
    return f"chat:{user_id}:{thread_id}:state"


def chat_messages_key(user_id: str, thread_id: str) -> str:
    return f"chat:{user_id}:{thread_id}:messages"


class WebSocketManager:
    """Tracks live sockets and persists chat state through Redis."""

    def __init__(self, redis: Optional[RedisManager] = None) -> None:
        self._redis = redis if redis is not None else RedisManager()
        self._connections: Dict[str, WebSocketLike] = {}

    @property
    def redis(self) -> RedisManager:
        return self._redis

    async def connect(self, user_id: str, websocket: WebSocketLike) -> None:
        self._connections[user_id] = websocket
        await self._redis.hset("ws:connections", {user_id: "connected"})

    async def disconnect(self, user_id: str) -> None:
        self._connections.pop(user_id, None)
        await self._redis.hset("ws:connections", {user_id: "disconnected"})

    def is_connected(self, user_id: str) -> bool:
        return user_id in self._connections

    async def send_to_user(self, user_id: str, payload: Dict[str, Any]) -> bool:
        websocket = self._connections.get(user_id)
        if websocket is None:
            return False
        await websocket.send_json(payload)
        return True

    async def store_chat_state(self, user_id: str, thread_id: str, state: Dict[str, Any]) -> None:
        await self._redis.set(
            chat_state_key(user_id, thread_id), json.dumps(state), ex=CHAT_STATE_TTL_SECONDS
        )

    async def get_chat_state(self, user_id: str, thread_id: str) -> Optional[Dict[str, Any]]:
        raw = await self._redis.get(chat_state_key(user_id, thread_id))
        return json.loads(raw) if raw else None

    async def append_message(self, user_id: str, thread_id: str, message: Dict[str, Any]) -> int:
        return await self._redis.lpush(chat_messages_key(user_id, thread_id), json.dumps(message))

    async def get_messages(self, user_id: str, thread_id: str) -> List[Dict[str, Any]]:
        raw = await self._redis.lrange(chat_messages_key(user_id, thread_id))
        return [json.loads(item) for item in reversed(raw)]


def is_redis_backed(manager: WebSocketManager) -> bool:
    return isinstance(manager.redis, RedisManager)
