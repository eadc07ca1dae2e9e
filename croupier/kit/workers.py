"""Several web worker processes, each accepting on its own listening socket bound with SO_REUSEPORT, so
the kernel spreads new connections evenly across them. (With one socket shared by all, as uvicorn's own
`workers` does, whichever process wakes first accepts a whole burst of connections: 32 clients connecting
at once were all served by one of two workers while the other idled.)

The supervisor starts the workers, says when all accept connections, restarts one that dies, and on
SIGINT or SIGTERM asks each to finish its requests and stop (SIGKILL after STOP_SECONDS)."""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

import uvicorn

log = logging.getLogger("croupier.workers")
STOP_SECONDS = 30.0
READY = "Croupier: {n} web workers accept connections on {host}:{port}"


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: Any) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            self.ready.set()


def _worker(options: dict[str, Any], ready: Any) -> None:
    host, port = options["host"], options["port"]
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))  # it joins the kernel's group when uvicorn listens, after the app's startup
    _Server(uvicorn.Config(**options), ready).run(sockets=[sock])


def serve_workers(options: dict[str, Any], workers: int) -> None:
    """Run `workers` processes of uvicorn with `options` (uvicorn.Config's arguments) until told to stop."""
    if not options.get("port"):
        raise ValueError("several workers need a fixed port")
    context = multiprocessing.get_context("spawn")
    processes: dict[int, Any] = {}
    ready = [context.Event() for _ in range(workers)]
    stopping = False

    def start(i: int) -> None:
        ready[i].clear()
        processes[i] = context.Process(target=_worker, args=(options, ready[i]), name=f"croupier-web-{i + 1}")
        processes[i].start()

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for i in range(workers):
        start(i)
    announced = False
    while not stopping:
        time.sleep(0.1)
        for i, process in processes.items():
            if not process.is_alive() and not stopping:
                log.error("web worker %s exited with %s; starting another", i + 1, process.exitcode)
                start(i)
        if not announced and all(event.is_set() for event in ready):
            print(READY.format(n=workers, host=options["host"], port=options["port"]), file=sys.stderr, flush=True)
            announced = True
    for process in processes.values():
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes.values():
        process.join(max(0.1, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(5)
