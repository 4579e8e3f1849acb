"""Per-locale greeting cache (identifiers follow the Berlin team's naming)."""

from __future__ import annotations

from typing import Optional

from netra_backend.app.cache.redis_cache_manager import RedisCacheManager

größen_cache: RedisCacheManager = RedisCacheManager()


def grüße_key(sprache: str) -> str:
    return f"greeting:{sprache}"


async def grüße_speichern(sprache: str, text: str) -> None:
    await größen_cache.set(grüße_key(sprache), text)


async def grüße_laden(sprache: str) -> Optional[str]:
    return await größen_cache.get(grüße_key(sprache))
