"""Start a throw-away ``redis-server`` on a free loopback port for tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from typing import Optional

import redis


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServerProcess:
    """A private redis-server: no persistence, loopback only."""

    def __init__(self, port: Optional[int] = None, startup_timeout: float = 10.0) -> None:
        self.port = port or free_loopback_port()
        self.startup_timeout = startup_timeout
        self._proc: Optional[subprocess.Popen[bytes]] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServerProcess":
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "redis-server is not installed (Debian: apt-get install redis-server; "
                "or run `bash scripts/pretest.sh` in the ssot repository)"
            )
        self._proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + self.startup_timeout
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        try:
            while True:
                if self._proc.poll() is not None:
                    err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                    raise RuntimeError(f"redis-server exited with {self._proc.returncode}: {err.strip()}")
                try:
                    if client.ping():
                        return self
                except redis.exceptions.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not answer PING on port {self.port}")
                time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stderr:
            proc.stderr.close()


def start_redis_server(attempts: int = 3) -> RedisServerProcess:
    """Start on a free port, retrying if another process grabs the port first."""
    last: Optional[Exception] = None
    for _ in range(attempts):
        try:
            return RedisServerProcess().start()
        except RuntimeError as exc:
            if "not installed" in str(exc):
                raise
            last = exc
    raise RuntimeError(f"could not start redis-server: {last}")
