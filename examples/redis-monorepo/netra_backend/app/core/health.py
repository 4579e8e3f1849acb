"""Backend health endpoint helpers.

Note the trap: the *module* below is bound to the name ``redis_manager``,
the same name as the canonical singleton.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from netra_backend.app.db import redis_manager


def default_redis_url() -> str:
    return redis_manager.RedisManager.DEFAULT_URL


async def check_redis(url: Optional[str] = None) -> Dict[str, Any]:
    probe = redis_manager.RedisManager(url=url) if url else redis_manager.get_redis_manager()
    try:
        ok = await probe.ping()
    except Exception as exc:  # report, never raise, from a health check
        return {"redis": "down", "error": type(exc).__name__, "url": probe.url}
    return {"redis": "up" if ok else "down", "url": probe.url}
