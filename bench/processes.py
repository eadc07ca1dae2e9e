"""Processes the benchmark runs: a throwaway PostgreSQL tuned for the box but durable, and an RSS sampler."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from tests.servers import postgres_cluster

# Durable: fsync, synchronous_commit and full_page_writes stay ON (the defaults). Tuned for a 2-core box
# with a few GB of RAM to spare: bigger shared buffers and WAL buffers, checkpoints spread out so a
# benchmark run does not hit one, and enough connections for 2 workers' pools.
PG_SETTINGS = {
    "shared_buffers": "512MB",
    "effective_cache_size": "2GB",
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "wal_buffers": "16MB",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "max_connections": "200",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
}


def postgres() -> contextlib.AbstractContextManager[str]:
    """A throwaway cluster with the durable, tuned settings above."""
    return postgres_cluster(PG_SETTINGS, prefix="croupier-bench-pg-")


def _group_rss_kb(pgid: int) -> int:
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(entry.path, "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:  # field 5: process group
                continue
            for line in Path(entry.path, "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


class RssSampler:
    """Samples the summed resident memory of a process group (the server and its workers)."""

    def __init__(self, pgid: int, every: float = 0.25) -> None:
        self.pgid, self.every = pgid, every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _group_rss_kb(self.pgid))
            self._stop.wait(self.every)

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)
