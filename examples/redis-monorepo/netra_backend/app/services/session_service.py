"""Backend bookkeeping for user presence across threads."""

from __future__ import annotations

import time
from typing import Dict, Optional

import netra_backend.app.db.redis_manager

_store = netra_backend.app.db.redis_manager.RedisManager()


def user_key(user_id: str) -> str:
    return f"user:{user_id}"


async def touch_user(user_id: str, thread_id: str, ts: Optional[float] = None) -> None:
    await _store.hset(user_key(user_id), {"last_seen": ts or time.time(), "thread_id": thread_id})


async def user_info(user_id: str) -> Dict[str, str]:
    return await _store.hgetall(user_key(user_id))
