"""Repository-wide fixtures: a private redis-server for tests that need one."""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from test_framework.redis_server import RedisServerProcess, start_redis_server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServerProcess]:
    """Start redis-server on a free loopback port and point REDIS_URL at it."""
    try:
        server = start_redis_server()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    previous = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = server.url
    try:
        yield server
    finally:
        if previous is None:
            os.environ.pop("REDIS_URL", None)
        else:
            os.environ["REDIS_URL"] = previous
        server.stop()
