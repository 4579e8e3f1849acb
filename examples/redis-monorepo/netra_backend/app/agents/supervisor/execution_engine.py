"""Agent execution engine: keeps per-run agent state in Redis."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, Optional

from netra_backend.app.db.redis_manager import \
    RedisManager

AGENT_STATE_TTL_SECONDS = 900


def _result_cache():
    # Imported lazily: the cache layer is optional in worker processes.
    from netra_backend.app.cache.redis_cache_manager import RedisCacheManager

    return RedisCacheManager()


def agent_state_key(run_id: str) -> str:
    return f"agent:{run_id}:state"


class ExecutionEngine:
    """Runs one agent turn and records its progress."""

    def __init__(self, state_store: Optional[RedisManager] = None) -> None:
        self._state = state_store or RedisManager()
        self._cache = _result_cache()

    async def save_agent_state(self, run_id: str, state: Dict[str, Any]) -> None:
        await self._state.set(agent_state_key(run_id), json.dumps(state), ex=AGENT_STATE_TTL_SECONDS)

    async def load_agent_state(self, run_id: str) -> Optional[Dict[str, Any]]:
        raw = await self._state.get(agent_state_key(run_id))
        return json.loads(raw) if raw else None

    async def execute(self, run_id: str, user_id: str, prompt: str) -> Dict[str, Any]:
        cached = await self._cache.get(f"agent:result:{prompt}")
        await self.save_agent_state(run_id, {"user_id": user_id, "status": "running"})
        answer = cached or f"echo: {prompt}"
        if cached is None:
            await self._cache.set(f"agent:result:{prompt}", answer, ex=60)
        state = {"user_id": user_id, "status": "completed", "answer": answer, "ts": time.time()}
        await self.save_agent_state(run_id, state)
        return state
