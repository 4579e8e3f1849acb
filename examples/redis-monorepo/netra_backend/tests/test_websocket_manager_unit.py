"""WebSocketManager without a Redis server."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List
from unittest.mock import Mock

from netra_backend.app.redis_manager import RedisManager
from netra_backend.app.routes import websocket as ws_routes
from netra_backend.app.websocket_core.manager import WebSocketManager, is_redis_backed
from test_framework.fixtures.fake_redis import InMemoryRedis


class RecordingSocket:
    def __init__(self) -> None:
        self.sent: List[Dict[str, Any]] = []

    async def send_json(self, payload: Dict[str, Any]) -> None:
        self.sent.append(payload)


def test_store_and_read_chat_state():
    manager = WebSocketManager(InMemoryRedis())

    async def flow():
        await manager.store_chat_state("u1", "t1", {"step": 2})
        return await manager.get_chat_state("u1", "t1")

    assert asyncio.run(flow()) == {"step": 2}


def test_spec_mock_counts_as_redis_backed():
    mock = Mock(spec=RedisManager)
    assert is_redis_backed(WebSocketManager(mock))
    assert not is_redis_backed(WebSocketManager(InMemoryRedis()))


def test_handle_chat_message_acks(monkeypatch):
    fake = InMemoryRedis()
    monkeypatch.setattr(ws_routes, "_message_cache", fake)
    manager = WebSocketManager(fake)
    socket = RecordingSocket()

    async def flow():
        await manager.connect("u2", socket)
        await ws_routes.handle_chat_message(manager, "u2", "t9", "hello")
        return await ws_routes.handle_chat_message(manager, "u2", "t9", "again")

    state = asyncio.run(flow())
    assert state["message_count"] == 2
    assert socket.sent[-1] == {"type": "ack", "message_count": 2}
    assert fake.data["chat:u2:last_message"] == "again"
