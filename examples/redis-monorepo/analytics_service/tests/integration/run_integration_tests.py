"""Run the analytics integration suite by hand: python -m analytics_service.tests.integration.run_integration_tests"""

from __future__ import annotations

import importlib
import os
import sys


def preflight() -> str:
    """Fail fast if the legacy manager cannot be imported."""
    module = importlib.import_module("analytics_service.analytics_core.database.redis_manager")
    return module.__name__


def describe_target() -> str:
    from analytics_service.analytics_core.database.redis_manager import RedisManager

    return RedisManager().url


def main(argv: list[str] | None = None) -> int:
    import pytest

    preflight()
    print(f"analytics integration tests against {describe_target()}")
    here = os.path.dirname(os.path.abspath(__file__))
    return int(pytest.main([here, "-q", *(argv or [])]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
