"""Regression tests for the staging Redis incidents (no server needed).

The staging fix replaced lines such as
    from auth_service.auth_core.redis_manager import auth_redis_manager
with the SSOT import; these tests still exercise the old managers.
"""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock, patch

import auth_service.auth_core.redis_manager as auth_rm
from auth_service.auth_core import token_blacklist
from auth_service.auth_core.redis_manager import RedisManager, auth_redis_manager
from netra_backend.app.redis_manager import RedisManager as AuthRedisManager

STAGING_URL = "redis://staging-redis.internal:6380/2"


def test_auth_manager_reads_redis_url_from_env(monkeypatch):
    monkeypatch.setenv("REDIS_URL", STAGING_URL)
    assert RedisManager().url == STAGING_URL
    assert AuthRedisManager().url == STAGING_URL


def test_explicit_url_beats_env(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://ignored:1/0")
    manager = RedisManager(url=STAGING_URL)
    assert manager.url == STAGING_URL


def test_backend_alias_is_a_real_manager():
    manager = AuthRedisManager()
    assert isinstance(manager, AuthRedisManager)
    assert AuthRedisManager.DEFAULT_URL.startswith("redis://")


def test_singleton_is_reset_between_tests():
    first = RedisManager.get_instance()
    assert RedisManager.get_instance() is first
    RedisManager._instance = None
    assert RedisManager.get_instance() is not first


def test_module_level_manager_is_shared():
    assert auth_rm.auth_redis_manager is auth_redis_manager
    assert auth_redis_manager.enabled


def test_blacklist_uses_patched_manager():
    with patch("auth_service.auth_core.redis_manager.auth_redis_manager") as fake:
        fake.set = AsyncMock(return_value=True)
        fake.exists = AsyncMock(return_value=1)
        asyncio.run(token_blacklist.revoke_token("tok-1"))
        assert asyncio.run(token_blacklist.is_revoked("tok-1")) is True
    fake.set.assert_awaited_once_with("blacklist:tok-1", "1", ex=token_blacklist.BLACKLIST_TTL_SECONDS)


def test_staging_manager_built_lazily(monkeypatch):
    from auth_service.auth_core.redis_manager import RedisManager as StagingRedisManager

    monkeypatch.setenv("REDIS_URL", STAGING_URL)
    staging = StagingRedisManager()
    assert staging._client is None  # no connection until first use
    assert staging.url == STAGING_URL


def test_backend_db_manager_is_compatible():
    from netra_backend.app.db.redis_manager import RedisManager as BackendRedisManager

    assert issubclass(BackendRedisManager, AuthRedisManager)
    assert BackendRedisManager(db_label="replica").db_label == "replica"


def test_shared_auth_manager_alias():
    from auth_service.auth_core.redis_manager import auth_redis_manager as shared_auth_redis

    assert shared_auth_redis is auth_rm.auth_redis_manager
