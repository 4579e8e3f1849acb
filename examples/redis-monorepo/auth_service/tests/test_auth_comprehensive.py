"""End-to-end auth flows over an in-memory Redis."""

from __future__ import annotations

import asyncio
from unittest.mock import Mock

from auth_service.auth_core.redis_manager import (
    RedisManager,  # class, for spec=
    auth_redis_manager,
)
from auth_service.auth_core.session_store import SessionStore
from auth_service.services.redis_service import RedisService
from auth_service.services.token_service import TokenService


def test_session_roundtrip(fake_redis):
    store = SessionStore(fake_redis)

    async def flow():
        session_id = await store.create_session("user-1", plan="enterprise")
        return session_id, await store.read_session(session_id)

    session_id, session = asyncio.run(flow())
    assert session["user_id"] == "user-1"
    assert session["plan"] == "enterprise"
    assert fake_redis.ttl[f"session:{session_id}"] == 3600


def test_revoke_session(fake_redis):
    store = SessionStore(fake_redis)

    async def flow():
        session_id = await store.create_session("user-2")
        revoked = await store.revoke(session_id)
        return revoked, await store.read_session(session_id)

    assert asyncio.run(flow()) == (True, None)


def test_redis_service_with_spec_mock():
    manager = Mock(spec=RedisManager)
    manager.incr.return_value = 3
    service = RedisService(manager)
    assert asyncio.run(service.record_login("user-3")) == 3
    manager.incr.assert_awaited_once_with("logins:user-3")


def test_default_store_is_module_manager():
    assert SessionStore()._redis is auth_redis_manager


def test_token_service_login_whoami(fake_redis, monkeypatch):
    import auth_service.auth_core.token_blacklist as blacklist

    monkeypatch.setattr(blacklist.auth_redis_module, "auth_redis_manager", fake_redis)
    tokens = TokenService(fake_redis)

    async def flow():
        session_id = await tokens.login("user-4")
        before = await tokens.whoami(session_id)
        await tokens.logout(session_id)
        return before, await tokens.whoami(session_id)

    before, after = asyncio.run(flow())
    assert before["user_id"] == "user-4"
    assert after is None
