"""Health check reports instead of raising."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, patch

from auth_service.services import health_check_service


def test_health_reports_unhealthy_when_redis_is_down():
    with patch.object(health_check_service, "AuthRedisManager") as factory:
        factory.return_value.ping = AsyncMock(side_effect=ConnectionError("refused"))
        result = asyncio.run(health_check_service.check_redis_health())
    assert result == {"service": "auth", "redis": "unhealthy", "error": "ConnectionError"}


def test_health_reports_healthy():
    with patch.object(health_check_service, "AuthRedisManager") as factory:
        factory.return_value.ping = AsyncMock(return_value=True)
        result = asyncio.run(health_check_service.check_redis_health())
    assert result["redis"] == "healthy"
