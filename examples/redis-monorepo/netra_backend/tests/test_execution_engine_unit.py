"""ExecutionEngine with injected stores."""

from __future__ import annotations

import asyncio
from unittest.mock import Mock

from netra_backend.app.agents.supervisor.execution_engine import ExecutionEngine
from netra_backend.app.db.redis_manager import RedisManager
from test_framework.fixtures.fake_redis import InMemoryRedis


def test_execute_records_completed_state():
    engine = ExecutionEngine(InMemoryRedis())
    engine._cache = InMemoryRedis()
    state = asyncio.run(engine.execute("run-1", "u1", "plan my week"))
    assert state["status"] == "completed"
    assert asyncio.run(engine.load_agent_state("run-1"))["answer"] == "echo: plan my week"


def test_state_store_is_used_when_given():
    store = Mock(spec=RedisManager)
    store.get.return_value = None
    engine = ExecutionEngine(store)
    assert asyncio.run(engine.load_agent_state("missing")) is None
    store.get.assert_awaited_once_with("agent:missing:state")
