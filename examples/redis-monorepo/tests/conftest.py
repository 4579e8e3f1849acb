"""Golden-path fixtures: every test starts from an empty Redis database."""

from __future__ import annotations

from typing import Iterator

import pytest
import redis

from test_framework.redis_server import RedisServerProcess


@pytest.fixture
def golden_redis(redis_server: RedisServerProcess) -> Iterator[str]:
    client = redis.Redis.from_url(redis_server.url)
    try:
        client.flushdb()
        yield redis_server.url
    finally:
        client.close()
