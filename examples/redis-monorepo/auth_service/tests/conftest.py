"""Auth service test fixtures (no Redis server needed)."""

from __future__ import annotations

from unittest.mock import Mock

import pytest

from auth_service.auth_core.redis_manager import RedisManager
from test_framework.fixtures.fake_redis import InMemoryRedis


@pytest.fixture(autouse=True)
def reset_redis_singleton():
    RedisManager._instance = None
    yield
    RedisManager._instance = None


@pytest.fixture
def mock_redis_manager() -> Mock:
    return Mock(spec=RedisManager)


@pytest.fixture
def fake_redis() -> InMemoryRedis:
    return InMemoryRedis()
