"""kit/gc.py: a long-lived process freezes what it has built, so full collections skip it; any other process
(the tests' own, which make and drop apps) never freezes anything."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          check=True, timeout=120).stdout.strip()


def test_settle_freezes_only_in_a_long_lived_process():
    out = _run("""
        import gc
        from croupier.kit import gc as gc_tuning
        kept = [[n] for n in range(50_000)]  # lists are always tracked
        gc_tuning.settle()
        before = gc.get_freeze_count()
        gc_tuning.long_lived()
        gc_tuning.settle()
        print(before, gc.get_freeze_count() >= 50_000)
    """)
    assert out == "0 True"


def test_cyclic_garbage_is_collected_before_freezing():
    out = _run("""
        import gc, weakref
        from croupier.kit import gc as gc_tuning

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        gc_tuning.long_lived()
        gc_tuning.settle()
        print(gone() is None)
    """)
    assert out == "True"


def test_the_served_app_marks_its_process_long_lived():
    out = _run("""
        from croupier.kit import gc as gc_tuning
        from croupier.app import served_app
        before = gc_tuning._long_lived
        served_app()
        print(before, gc_tuning._long_lived)
    """)
    assert out == "False True"
