"""Process start-up wiring."""

from __future__ import annotations

from typing import Any, Dict


class BackendStartup:
    """Shared resources created once per worker."""

    # Imported in the class body (legacy style kept for lazy worker start-up).
    from netra_backend.app.db.redis_manager import RedisManager

    default_state_store = RedisManager()

    def __init__(self, settings: Dict[str, Any] | None = None) -> None:
        self.settings = dict(settings or {})

    async def warmup(self) -> bool:
        return await self.default_state_store.ping()
