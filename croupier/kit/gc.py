"""Keeping the garbage collector's full collections short in long-running processes.

A full (oldest-generation) collection walks every object the collector tracks. In a server process most of
them are made at start-up and live as long as the process (modules, routes, templates, the assistant's model,
the help centre's indexes); walking them took 150-250 ms each time, during which the process answered
nothing (twice in ten seconds under load). `settle` collects once, then freezes whatever is left (gc.freeze):
later full collections walk only what was made since, a few milliseconds. It is called when a process has
started and when a large, long-lived structure has just been built; it does nothing unless `long_lived()`
was called first (by `croupier serve` and `croupier worker`), so that short-lived processes and the tests,
which make and drop many apps, never freeze what will become garbage.
"""

from __future__ import annotations

import gc

_long_lived = False


def long_lived() -> None:
    """This process runs a server or a worker until it is stopped: let `settle` freeze."""
    global _long_lived
    _long_lived = True


def is_long_lived() -> bool:
    return _long_lived


def settle() -> None:
    if _long_lived:
        gc.collect()
        gc.freeze()
