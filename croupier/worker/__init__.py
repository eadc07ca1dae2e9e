"""Background work: periodic sweeps run inside the web process by default (CROUPIER_RUN_WORKER)."""
