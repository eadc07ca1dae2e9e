"""Warming the assistant's built-in intent model when the worker starts, so that the first player message
does not wait while it is trained (seconds, once per model version) or loaded.

Only where and when it will be used: in a process whose worker runs the assistant's jobs (the runner
starts it; CROUPIER_RUN_WORKER=false turns the worker, and so this, off), and only if some brand has the
assistant enabled, or once a brand turns it on (after_enabling). The model loads in a daemon thread:
start-up does not wait for it, nor does shutdown (a training cut short is simply done again at the next
start; builtin.py's lock keeps processes from training it twice at once). A player message arriving
meanwhile waits for the same training rather than starting its own."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select

from croupier.db import Database
from croupier.kit import gc as gc_tuning
from croupier.models import AssistantSettings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_thread: threading.Thread | None = None
_workers = 0  # runners of this process that run the assistant's jobs


def start() -> threading.Thread:
    """Load (or train) the built-in model in a background thread, once per process."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_warm, name="assistant-warm-up", daemon=True)
            _thread.start()
        return _thread


def _warm() -> None:
    from croupier.assistant.builtin import builtin_model

    began = time.monotonic()
    try:
        builtin_model()
    except Exception:  # noqa: BLE001 - the first message will load it (and report the failure) instead
        log.exception("warming the assistant's intent model failed")
        return
    gc_tuning.settle()  # the model lives as long as the process: later full collections skip it
    log.info("the assistant's intent model is ready (%.1f s)", time.monotonic() - began)


async def enabled_anywhere(db: Database) -> bool:
    async with db.transaction() as session:
        return await session.scalar(select(AssistantSettings.brand_id).where(
            AssistantSettings.enabled.is_(True)).limit(1)) is not None


def worker_started() -> None:
    """A runner of this process now runs the assistant's jobs."""
    global _workers
    _workers += 1


def worker_stopped() -> None:
    global _workers
    _workers = max(0, _workers - 1)


async def warm_if_enabled(db: Database) -> bool:
    """Start warming the model if any brand uses the assistant; whether it did."""
    try:
        if not await enabled_anywhere(db):
            return False
    except Exception:  # noqa: BLE001 - never stop the worker over this: the model then loads on first use
        log.exception("could not tell whether to warm the assistant's intent model")
        return False
    start()
    return True


def after_enabling() -> None:
    """A brand turned the assistant on: warm the model now if this process's worker runs its jobs."""
    if _workers:
        start()
