"""The channel benchmark runs, end to end, with tiny counts (so it cannot rot): every acknowledged webhook
reaches the agent's live stream, and every reply reaches the failing provider stand-in exactly once."""

from __future__ import annotations

from tests.bench.run import run_bench
from tests.conftest import BACKEND


def test_the_channel_benchmark_prints_one_json_line_with_nothing_lost():
    args = ["--seconds", "2", "--messages", "30", "--concurrency", "4", "--replies", "20"]
    result = run_bench("channels.py", *args, *(["--sqlite"] if BACKEND == "sqlite" else []))
    assert result["backend"] == BACKEND and result["workers"] == 2
    assert result["inbound_acked"] == 30 and result["inbound_errors"] == 0
    warmup = result["warmup"]  # other players first, so that the run measures a warmed-up server
    assert warmup["acked"] > 0 and warmup["visible"] == warmup["acked"]
    assert result["inbound_visible"] == 30 and result["inbound_visible_per_s"] > 0
    assert result["stored_events"] == 30 + warmup["acked"]
    # (a message can reach the agent before its acknowledgement reaches the load generator: a delay of 0)
    assert result["inbound_acks_per_s"] > 0 and result["ack_to_agent_p99_ms"] >= result["ack_to_agent_p50_ms"] >= 0
    assert result["outbound_sent"] == 20 and result["delivered"] == 20
    assert result["lost"] == 0 and result["duplicated"] == 0 and result["failed"] == 0
    assert result["outbound_p99_ms"] >= result["outbound_p50_ms"] > 0
    assert sum(result["provider_failures"].values()) > 0  # retries were exercised
