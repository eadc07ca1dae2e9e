"""The help-centre benchmark runs, end to end, with tiny counts (so it cannot rot): every article page and
search answers 200, and the searches, in every locale, find articles."""

from __future__ import annotations

from tests.bench.run import run_bench
from tests.conftest import BACKEND


def test_the_helpcenter_benchmark_prints_one_json_line_without_errors():
    args = ["--articles", "50", "--seconds", "2", "--requests", "200", "--concurrency", "4", "--drawn-queries", "10"]
    result = run_bench("helpcenter.py", *args, *(["--postgres"] if BACKEND == "postgres" else []))
    assert result["backend"] == BACKEND and result["workers"] == 2 and result["concurrency"] == 4
    assert result["articles"] == result["article_pages"] == 50
    assert result["errors"] == 0 and set(result["statuses"]) == {"200"}
    for phase in ("article", "search"):
        assert 0 < result[f"{phase}_requests"] <= 200 and result[f"{phase}_errors"] == 0
        assert result[f"{phase}_p99_ms"] >= result[f"{phase}_p50_ms"] > 0
        assert result[f"{phase}_requests_per_s"] > 0
        assert result[f"{phase}_alone_requests"] > 0
        assert result[f"{phase}_alone_p99_ms"] >= result[f"{phase}_alone_p50_ms"] > 0
        assert result[f"{phase}_cold_p99_ms"] >= result[f"{phase}_cold_p50_ms"] > 0
    assert result["article_cold_requests"] == 50  # the sweep: every page once
    assert result["search_cold_requests"] == result["search_distinct_queries_swept"]
    assert result["requests"] == result["article_requests"] + result["search_requests"]
    assert result["requests_per_s"] > 0 and result["peak_rss_mb"] > 0
    assert result["search_hits_ratio"] > 0.5
    assert all(ratio > 0 for ratio in result["search_hits_ratio_by_locale"].values())
    assert len(result["load_average_1m_before_after"]) == 2
