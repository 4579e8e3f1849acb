"""Revoked-token list. Looks the manager up through the module at call time,
which is why tests can patch ``auth_service.auth_core.redis_manager.auth_redis_manager``."""

from __future__ import annotations

from . import redis_manager as auth_redis_module

BLACKLIST_TTL_SECONDS = 86400


def blacklist_key(token_id: str) -> str:
    return f"blacklist:{token_id}"


async def revoke_token(token_id: str) -> None:
    await auth_redis_module.auth_redis_manager.set(blacklist_key(token_id), "1", ex=BLACKLIST_TTL_SECONDS)


async def is_revoked(token_id: str) -> bool:
    return bool(await auth_redis_module.auth_redis_manager.exists(blacklist_key(token_id)))
