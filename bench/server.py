"""`streamlit run` on 127.0.0.1 for the benchmarks: a free port, a given database file and LA.

The load client and the browser benchmark measure the app and their bare pages through this one
setup, so a ratio compares like with like: the same command, the project's `.streamlit/config.toml`
(the server runs in the project root, where Streamlit reads it), loopback only. The server is one
process of its own (`pid`), so its memory and CPU can be read while clients drive it.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rutland_data.settings import PROJECT_ROOT

START_TIMEOUT_SECONDS = 120
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Server:
    port: int
    pid: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def stream(self) -> str:
        """The websocket every browser tab talks to."""
        return f"ws://{HOST}:{self.port}/_stcore/stream"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


@contextmanager
def serve(db_path: Path, la: str | None = None, script: Path = PROJECT_ROOT / "app.py",
          log: Path | None = None, options: tuple[str, ...] = (),
          env: dict[str, str] | None = None) -> Iterator[Server]:
    """Serve `script` (the app, or a generated bare app) over `db_path` for LA `la` (None: the
    environment's DASHBOARD_LA, else the default), until the block ends. `options`: further
    `--section.option value` arguments; `env`: further environment variables. The browser tests
    start their servers here too."""
    env = {**os.environ, "DASHBOARD_DB": str(db_path), **(env or {})}
    if la is not None:
        env["DASHBOARD_LA"] = la
    log = log or Path(tempfile.mkstemp(prefix="bench-streamlit-", suffix=".log")[1])
    port = free_port()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", HOST, "--server.headless", "true", "--browser.gatherUsageStats", "false",
             *options],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            server = Server(port=port, pid=process.pid, log=log)
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while not _healthy(server.base):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.2)  # polling interval while the server starts
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
