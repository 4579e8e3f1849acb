"""/health for the auth service."""

from __future__ import annotations

from typing import Any, Dict

from netra_backend.app.redis_manager import RedisManager as AuthRedisManager


async def check_redis_health() -> Dict[str, Any]:
    redis = AuthRedisManager()
    try:
        healthy = await redis.ping()
    except Exception as exc:  # a health check reports, it does not raise
        return {"service": "auth", "redis": "unhealthy", "error": type(exc).__name__}
    return {"service": "auth", "redis": "healthy" if healthy else "unhealthy"}
