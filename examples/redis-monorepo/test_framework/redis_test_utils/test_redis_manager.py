"""DEPRECATED test-only Redis manager.

100+ tests do ``from test_framework.redis_test_utils.test_redis_manager import
RedisTestManager``. Phase 3A keeps that import working while tests move to
``from netra_backend.app.redis_manager import redis_manager``.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Dict, List, Optional

import redis.asyncio as aioredis


class RedisTestManager:
    """Redis client for tests; talks to whatever ``REDIS_URL`` points at."""

    __test__ = False  # not a pytest test class

    def __init__(self, url: Optional[str] = None) -> None:
        self._url = url
        self._client: Optional[aioredis.Redis] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    @property
    def url(self) -> str:
        return self._url or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

    async def get_client(self) -> aioredis.Redis:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = aioredis.Redis.from_url(self.url, decode_responses=True)
            self._loop = loop
        return self._client

    async def ping(self) -> bool:
        return bool(await (await self.get_client()).ping())

    async def get(self, key: str) -> Optional[str]:
        return await (await self.get_client()).get(key)

    async def set(self, key: str, value: Any, ex: Optional[int] = None) -> bool:
        return bool(await (await self.get_client()).set(key, value, ex=ex))

    async def delete(self, *keys: str) -> int:
        return int(await (await self.get_client()).delete(*keys)) if keys else 0

    async def exists(self, key: str) -> bool:
        return bool(await (await self.get_client()).exists(key))

    async def expire(self, key: str, seconds: int) -> bool:
        return bool(await (await self.get_client()).expire(key, seconds))

    async def incr(self, key: str, amount: int = 1) -> int:
        return int(await (await self.get_client()).incr(key, amount))

    async def hset(self, name: str, mapping: Dict[str, Any]) -> int:
        return int(await (await self.get_client()).hset(name, mapping=mapping))

    async def hgetall(self, name: str) -> Dict[str, str]:
        return dict(await (await self.get_client()).hgetall(name))

    async def lpush(self, key: str, *values: Any) -> int:
        return int(await (await self.get_client()).lpush(key, *values))

    async def lrange(self, key: str, start: int = 0, end: int = -1) -> List[str]:
        return list(await (await self.get_client()).lrange(key, start, end))

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and self._loop is asyncio.get_running_loop():
            await client.aclose()
        self._loop = None
