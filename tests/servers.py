"""Real servers for the test suite, on 127.0.0.1: a throwaway PostgreSQL cluster, Redis, and Croupier itself."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

PG_BIN = Path(os.environ.get("CROUPIER_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; CI runs as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


# The test suite's cluster trades durability for speed; the benchmark passes durable settings instead.
TEST_PG_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "300"}


@contextlib.contextmanager
def postgres_cluster(settings: dict[str, str] | None = None, prefix: str = "croupier-pg-") -> Iterator[str]:
    """initdb + pg_ctl start on a free loopback port; yields the server's base URL (no database part)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "croupier", "--auth=trust",
                                 "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    opts = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} " + " ".join(
        f"-c {k}={v}" for k, v in (TEST_PG_SETTINGS if settings is None else settings).items())
    subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"),
                                 "-w", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+asyncpg://croupier@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    import asyncio

    import asyncpg

    async def run() -> None:
        dsn = server_url.replace("postgresql+asyncpg", "postgresql") + "/postgres"
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        finally:
            await conn.close()

    asyncio.run(run()) if not _loop_running() else _run_in_thread(run)
    return f"{server_url}/{name}"


def _loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
        return True
    except RuntimeError:
        return False


def _run_in_thread(coro_fn) -> None:  # noqa: ANN001
    import asyncio
    import threading

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro_fn())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def _wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class CroupierProcess:
    """`croupier serve` in a child process with its own environment."""

    def __init__(self, env: dict[str, str], workers: int = 1, job_workers: int = 0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "CROUPIER_BASE_URL": self.url}
        if job_workers:  # jobs in `croupier worker` processes of their own, not in the web processes
            self.env["CROUPIER_RUN_WORKER"] = "false"
        self.workers, self.job_workers = workers, job_workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.jobs: list[subprocess.Popen[bytes]] = []
        self.log = tempfile.NamedTemporaryFile(prefix="croupier-server-", suffix=".log", delete=False)

    def start(self) -> CroupierProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "croupier.cli", "serve", "--port", str(self.port), "--workers",
             str(self.workers)], env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.jobs = [subprocess.Popen([sys.executable, "-m", "croupier.cli", "worker"],
                                      env={**self.env, "CROUPIER_RUN_WORKER": "true"}, stdout=self.log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
                     for _ in range(self.job_workers)]
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None or any(job.poll() is not None for job in self.jobs):
                self.stop()
                raise RuntimeError(f"server exited: {Path(self.log.name).read_text()[-3000:]}")
            # Several workers: all accept connections once the supervisor says so (before that, the
            # kernel would hand every new connection to the workers already listening).
            log = Path(self.log.name).read_text()
            ready = ((self.workers == 1 or "web workers accept connections" in log)
                     and log.count("the job worker is running") == self.job_workers)
            with contextlib.suppress(httpx.HTTPError):
                if ready and httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(Path(self.log.name).read_text()[-3000:])

    def kill9(self) -> None:
        assert self.proc is not None
        for proc in [self.proc, *self.jobs]:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def stop(self) -> None:
        for proc in [self.proc, *self.jobs]:
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in [self.proc, *self.jobs]:
            if proc and proc.poll() is None:
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)


@contextlib.contextmanager
def serve_asgi(app) -> Iterator[str]:  # noqa: ANN001
    """Run an ASGI app (a provider's stand-in) with uvicorn in a thread on a free loopback port."""
    import threading

    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
