from netra_backend.app.redis_manager import RedisManager

# Thread metadata store. This file starts with a UTF-8 byte order mark, so the
# import above begins at byte 3 but at character 0 of line 1.

import json
from typing import Any, Dict, Optional

_threads = RedisManager()


async def save_thread(thread_id: str, meta: Dict[str, Any]) -> None:
    await _threads.set(f"thread:{thread_id}", json.dumps(meta))


async def load_thread(thread_id: str) -> Optional[Dict[str, Any]]:
    raw = await _threads.get(f"thread:{thread_id}")
    return json.loads(raw) if raw else None
