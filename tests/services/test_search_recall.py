"""The recall set of issue 14 (bench/search_recall.py) against the seeded demo catalogue: every
query, typed as buyers type it, finds what it must in the top 10. Runs on SQLite and, with
MALPRO_TEST_DATABASE_URL, on PostgreSQL."""
from bench.search_recall import RECALL_SET, evaluate
from malpro.seed import seed_demo


def test_recall_set_is_large_enough():
    kinds = {kind for _, kind, _ in RECALL_SET}
    assert len([q for q, kind, _ in RECALL_SET if kind != "exact"]) >= 40
    assert {"typo", "variant", "store", "place", "exact"} <= kinds


def test_every_query_of_the_recall_set_finds_its_products_in_the_top_10(app):
    seed_demo(log=lambda message: None)
    result = evaluate()
    assert result["misses"] == []
    assert result["recall"] == 1.0
    # Typed right, the words are not drowned by variants and corrections.
    passed, total, precision = result["by_kind"]["exact"]
    assert precision / total >= 0.9
