"""Analytics core: event ingestion and aggregation."""

from __future__ import annotations

from typing import Optional

from analytics_service.analytics_core.database.redis_manager import RedisManager

__version__ = "0.4.0"

_shared_redis: Optional[RedisManager] = None


def get_analytics_redis() -> RedisManager:
    """Process-wide analytics Redis manager (created on first use)."""
    global _shared_redis
    if _shared_redis is None:
        _shared_redis = RedisManager()
    return _shared_redis
