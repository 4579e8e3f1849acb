"""Golden Path: login (auth) -> chat over WebSocket (backend) -> analytics.

Runs against a real redis-server. These tests must pass before the Redis SSOT
migration (services on their deprecated managers) and after it (everything on
``netra_backend.app.redis_manager.redis_manager``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest

from analytics_service.analytics_core.services.event_processor import EventProcessor
from auth_service.auth_core.session_store import SessionStore
from auth_service.services.redis_service import redis_service
from netra_backend.app.agents.supervisor.execution_engine import ExecutionEngine
from netra_backend.app.auth_integration.auth import AuthenticationError, validate_session
from netra_backend.app.redis_manager import redis_manager
from netra_backend.app.routes.websocket import get_last_message, handle_chat_message, websocket_endpoint
from netra_backend.app.websocket_core.manager import WebSocketManager


class RecordingSocket:
    def __init__(self) -> None:
        self.sent: List[Dict[str, Any]] = []

    async def send_json(self, payload: Dict[str, Any]) -> None:
        self.sent.append(payload)


def test_redis_connectivity(golden_redis):
    async def flow():
        client = await redis_manager.get_client()
        return await client.ping()

    assert asyncio.run(flow()) is True


def test_auth_session_is_read_by_backend(golden_redis):
    async def flow():
        await redis_service.store_session("gp-session-1", {"user_id": "gp-user", "plan": "enterprise"}, ttl=600)
        raw = await redis_manager.get("session:gp-session-1")
        session = await validate_session("gp-session-1")
        ttl = await (await redis_manager.get_client()).ttl("session:gp-session-1")
        return raw, session, ttl

    raw, session, ttl = asyncio.run(flow())
    assert raw is not None and "gp-user" in raw
    assert session == {"user_id": "gp-user", "plan": "enterprise"}
    assert 0 < ttl <= 600


def test_unknown_session_is_rejected(golden_redis):
    socket = RecordingSocket()

    async def flow():
        await websocket_endpoint(socket, "no-such-session", WebSocketManager())

    with pytest.raises(AuthenticationError):
        asyncio.run(flow())
    assert socket.sent == [{"type": "error", "code": 1008}]


def test_chat_golden_path_end_to_end(golden_redis):
    socket = RecordingSocket()

    async def flow():
        session_id = await SessionStore().create_session("alice", plan="team")
        manager = WebSocketManager()
        session = await websocket_endpoint(socket, session_id, manager)
        user_id = session["user_id"]
        await handle_chat_message(manager, user_id, "thread-1", "hi there")
        state = await handle_chat_message(manager, user_id, "thread-1", "plan my week")
        result = await ExecutionEngine().execute("run-1", user_id, "plan my week")
        processor = EventProcessor()
        await processor.record_event("chat_message", user_id, {"thread_id": "thread-1"})
        await processor.record_event("chat_message", user_id, {"thread_id": "thread-1"})
        return {
            "state": state,
            "result": result,
            "last": await get_last_message(user_id),
            "messages": await manager.get_messages(user_id, "thread-1"),
            "count": await redis_manager.get("analytics:count:chat_message"),
            "agent_state": await redis_manager.get("agent:run-1:state"),
            "presence": await redis_manager.hgetall("ws:connections"),
            "events": await processor.recent_events(user_id),
        }

    out = asyncio.run(flow())
    assert socket.sent[0] == {"type": "connected", "user_id": "alice"}
    assert socket.sent[-1] == {"type": "ack", "message_count": 2}
    assert out["state"]["message_count"] == 2
    assert out["last"] == "plan my week"
    assert [m["text"] for m in out["messages"]] == ["hi there", "plan my week"]
    assert out["result"]["status"] == "completed"
    assert out["agent_state"] is not None and '"completed"' in out["agent_state"]
    assert out["presence"] == {"alice": "connected"}
    assert out["count"] == "2"
    assert [e["type"] for e in out["events"]] == ["chat_message", "chat_message"]


def test_websocket_chat_state_survives_a_new_manager(golden_redis):
    async def flow():
        writer = WebSocketManager()
        await writer.store_chat_state("bob", "thread-7", {"step": 3, "agent": "triage"})
        reader = WebSocketManager()
        return await reader.get_chat_state("bob", "thread-7"), await redis_manager.get("chat:bob:thread-7:state")

    state, raw = asyncio.run(flow())
    assert state == {"step": 3, "agent": "triage"}
    assert raw is not None and '"triage"' in raw


def test_revoked_session_is_rejected_by_backend(golden_redis):
    async def flow():
        store = SessionStore()
        session_id = await store.create_session("carol")
        before = await validate_session(session_id)
        await store.revoke(session_id)
        try:
            await validate_session(session_id)
        except AuthenticationError:
            return before, "rejected"
        return before, "accepted"

    before, verdict = asyncio.run(flow())
    assert before["user_id"] == "carol"
    assert verdict == "rejected"
