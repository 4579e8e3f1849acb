"""Base class for async test cases that talk to Redis."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, TypeVar

T = TypeVar("T")


class SSotAsyncTestCase:
    """Runs coroutines on a fresh loop and hands out a Redis manager."""

    def get_redis(self) -> Any:
        from test_framework.redis_test_utils.test_redis_manager import RedisTestManager

        return RedisTestManager()

    def run_async(self, factory: Callable[[], Awaitable[T]]) -> T:
        async def runner() -> T:
            return await factory()

        return asyncio.run(runner())
