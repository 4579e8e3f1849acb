"""Canonical Redis manager: the single source of truth (SSOT) for Redis access.

Every service uses the shared singleton::

    from netra_backend.app.redis_manager import redis_manager

``RedisManager`` is exported for type annotations, ``isinstance`` checks and
``Mock(spec=RedisManager)`` only; application code must not build its own
instances (each instance owns a separate connection pool).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Dict, List, Optional

import redis.asyncio as aioredis

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def resolve_redis_url(url: Optional[str] = None) -> str:
    """Explicit URL, else ``$REDIS_URL``, else the local default."""
    return url or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


class RedisManager:
    """Owns one lazily created ``redis.asyncio`` client per event loop."""

    DEFAULT_URL = DEFAULT_REDIS_URL
    _instance: Optional["RedisManager"] = None

    def __init__(self, url: Optional[str] = None) -> None:
        self._url = url
        self._client: Optional[aioredis.Redis] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    @classmethod
    def get_instance(cls) -> "RedisManager":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    @property
    def url(self) -> str:
        # Read at call time so REDIS_URL set after import (tests, workers) wins.
        return resolve_redis_url(self._url)

    async def get_client(self) -> aioredis.Redis:
        loop = asyncio.get_running_loop()
        if self._client is not None and self._loop is not loop:
            # Connections are bound to the loop that opened them; that loop is
            # gone (asyncio.run() per request/test), so start a fresh client.
            self._client = None
        if self._client is None:
            self._client = aioredis.Redis.from_url(self.url, decode_responses=True)
            self._loop = loop
        return self._client

    async def ping(self) -> bool:
        client = await self.get_client()
        return bool(await client.ping())

    async def get(self, key: str) -> Optional[str]:
        client = await self.get_client()
        return await client.get(key)

    async def set(self, key: str, value: Any, ex: Optional[int] = None) -> bool:
        client = await self.get_client()
        return bool(await client.set(key, value, ex=ex))

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        client = await self.get_client()
        return int(await client.delete(*keys))

    async def exists(self, key: str) -> bool:
        client = await self.get_client()
        return bool(await client.exists(key))

    async def expire(self, key: str, seconds: int) -> bool:
        client = await self.get_client()
        return bool(await client.expire(key, seconds))

    async def incr(self, key: str, amount: int = 1) -> int:
        client = await self.get_client()
        return int(await client.incr(key, amount))

    async def hset(self, name: str, mapping: Dict[str, Any]) -> int:
        client = await self.get_client()
        return int(await client.hset(name, mapping=mapping))

    async def hgetall(self, name: str) -> Dict[str, str]:
        client = await self.get_client()
        return dict(await client.hgetall(name))

    async def lpush(self, key: str, *values: Any) -> int:
        client = await self.get_client()
        return int(await client.lpush(key, *values))

    async def lrange(self, key: str, start: int = 0, end: int = -1) -> List[str]:
        client = await self.get_client()
        return list(await client.lrange(key, start, end))

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and self._loop is asyncio.get_running_loop():
            await client.aclose()
        self._loop = None


# The one shared instance every service uses.
redis_manager = RedisManager()
