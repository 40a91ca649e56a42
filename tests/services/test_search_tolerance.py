"""Search that forgives (issue 14): spelling variants, typo corrections against the catalogue's
vocabulary, stores and places, ranking, and the vocabulary following every write."""
import pytest
from sqlalchemy import text, update

from malpro.extensions import db
from malpro.models import Product, Store
from malpro.services import search_results
from malpro.services.catalog import ListingQuery
from malpro.services.search_spelling import normalise, variants
from malpro.services.search_vocabulary import correct_terms, matching_stores, max_edits, place_named, stem


def result(q: str, **fields):
    return search_results.search(ListingQuery(q=q, per_page=50, **fields))


def names(q: str, **fields) -> list[str]:
    return [item.name for item in result(q, **fields).listing.items]


@pytest.fixture
def shelf(make):
    bu_sri = make.store(name="Keripik Tempe Bu Sri", kecamatan="Sukun", kelurahan="Pisang Candi")
    dapur = make.store(name="Dapur Mak Yah", kecamatan="Klojen", kelurahan="Kauman")
    make.product(store=bu_sri, name="Keripik Tempe Original", stock=20)
    make.product(store=bu_sri, name="Keripik Tempe Balado", stock=0)
    make.product(store=dapur, name="Kripik Singkong Pedas", stock=5)
    make.product(store=dapur, name="Sambel Bawang", stock=5)
    make.product(store=dapur, name="Bakpia Coklat", stock=5)
    make.product(store=dapur, name="Jamu Kunyit Asam", stock=5)
    make.product(store=dapur, name="Kopi Dampit Robusta", stock=5)
    db.session.commit()
    return {"bu_sri": bu_sri, "dapur": dapur}


# --- Normalisation and the variant list ---------------------------------------------------

def test_normalise_needs_no_list():
    assert normalise("djamoe") == "jamu"
    assert normalise("tjabe") == "cabe"
    assert normalise("kopii") == "kopi" and normalise("tempee") == "tempe"
    assert normalise("dua") == "2"
    assert normalise("keripik") == "keripik"


def test_variants_go_both_ways():
    assert "kripik" in variants("keripik") and "keripik" in variants("kripik")
    assert "sambal" in variants("sambel") and "sambel" in variants("sambal")
    assert "cokelat" in variants("coklat") and "coklat" in variants("cokelat")
    assert "bakpia" in variants("bakpiya") and "jamu" in variants("jamoe")
    assert variants("apapun") == ("apapun",)
    assert variants("keripik")[0] == "keripik"  # the typed word first


def test_edit_allowance_follows_word_length():
    assert [max_edits(w) for w in ("kue", "kopi", "keripik", "kelengkeng")] == [0, 1, 1, 2]


# --- Variants and corrections through the listing -----------------------------------------

def test_spelling_variants_find_each_other(shelf):
    assert "Kripik Singkong Pedas" in names("keripik")
    assert "Keripik Tempe Original" in names("kripik")
    assert names("sambal") == ["Sambel Bawang"]
    assert names("cokelat") == ["Bakpia Coklat"]
    assert names("djamoe") == names("jamoe") == ["Jamu Kunyit Asam"]
    # A variant is not a correction: nothing to announce.
    assert result("kripik").corrected_query is None


def test_a_typo_is_corrected_and_said(shelf):
    found = result("keripk tempe")
    assert found.corrected_query == "keripik tempe"
    assert [i.name for i in found.listing.items] == ["Keripik Tempe Original", "Keripik Tempe Balado"]
    assert result("kopi dampti robusta").corrected_query == "kopi dampit robusta"
    assert result("kpoi").corrected_query == "kopi"  # two letters swapped: one edit
    # The typed words exactly: nothing.
    assert names("keripk tempe", exact=True) == []
    # Too far, or too short to guess.
    assert names("kerpk") == [] and names("kpi") == []
    assert result("zzzzzz").corrected_query is None


def test_correction_under_filters_is_offered_not_applied(shelf):
    found = result("keripk", min_price=10_000_000)
    assert found.listing.items == [] and found.corrected_query is None
    assert found.suggestion == "keripik"


def test_words_the_index_knows_are_never_corrected(shelf, make):
    make.product(store=shelf["dapur"], name="Susun Rak", description="renyah")
    db.session.commit()
    assert correct_terms(("keripik", "temp")) is None  # whole word, prefix
    assert result("renyah").corrected_query is None  # a description word


def test_ranking_exact_then_prefix_then_variant_and_stock_first(make):
    store = make.store(name="Toko Uji Urut")
    variant = make.product(store=store, name="Kripik Bayam", stock=5)
    prefix = make.product(store=store, name="Keripiknya Kentang", stock=5)
    exact_sold_out = make.product(store=store, name="Keripik Jagung", stock=0)
    exact = make.product(store=store, name="Keripik Pisang", stock=5)
    service = make.product(store=store, name="Keripik Talas", stock=None)
    db.session.commit()
    order = [item.id for item in result("keripik").listing.items]
    assert order == [service.id, exact.id, exact_sold_out.id, prefix.id, variant.id]


def test_words_of_the_same_stem_find_each_other(make):
    store = make.store(name="Sanggar Uji")
    make.product(store=store, name="Souvenir Pernikahan Kipas", stock=5)
    make.product(store=store, name="Tas Rajut Merah", stock=5)
    db.session.commit()
    assert names("nikah") == ["Souvenir Pernikahan Kipas"]
    assert names("tas rajutan") == ["Tas Rajut Merah"]
    assert names("nikah", exact=True) == []
    assert stem("pernikahan") == "nikah" and stem("kopi") == "kopi"


# --- Stores and places --------------------------------------------------------------------

def test_stores_match_with_the_same_tolerance(shelf, make):
    make.store(name="Keripik Tempe Bu Sari", status="pending")
    db.session.commit()
    for q in ("keripik tempe bu sri", "kripik tempe bu sri", "keripk tempe bu sri", "bu sri"):
        assert [s.name for s in matching_stores(tuple(q.split()))] == ["Keripik Tempe Bu Sri"], q
    assert [s.name for s in result("keripik tempe bu sri").stores] == ["Keripik Tempe Bu Sri"]


def test_a_place_lists_the_products_of_its_stores(shelf):
    assert place_named("Kec. Sukun").label == "Kec. Sukun"
    assert place_named("pisang candi").label == "Kel. Pisang Candi"
    assert place_named("kedung kandang").name == "Kedungkandang"
    assert place_named("keripik") is None
    found = result("sukun")
    assert found.place_listing and found.place.label == "Kec. Sukun"
    assert {i.name for i in found.listing.items} == {"Keripik Tempe Original", "Keripik Tempe Balado"}
    assert {i.name for i in result("pisang candi").listing.items} == {
        "Keripik Tempe Original", "Keripik Tempe Balado"}
    assert names("kauman") == ["Kopi Dampit Robusta", "Jamu Kunyit Asam", "Bakpia Coklat",
                               "Sambel Bawang", "Kripik Singkong Pedas"]


def test_a_product_named_after_a_place_wins_over_the_place(shelf, make):
    make.product(store=shelf["dapur"], name="Keripik Sukun Manis", stock=3)
    db.session.commit()
    found = result("sukun")
    assert not found.place_listing and found.place.name == "Sukun"
    assert names("sukun") == ["Keripik Sukun Manis"]


# --- The vocabulary follows every write ---------------------------------------------------

def test_vocabulary_follows_products_and_stores(shelf, make):
    assert result("gethuk lindri").listing.items == []
    product = make.product(store=shelf["dapur"], name="Gethuk Lindri", stock=3)
    db.session.commit()
    assert result("gethuk lndri").corrected_query == "gethuk lindri"
    # Renamed: the new word is known at once, the old one no longer offered.
    product.name = "Gethuk Pelangi"
    db.session.commit()
    assert result("gethuk pelngi").corrected_query == "gethuk pelangi"
    assert result("gethuk lndri").corrected_query is None
    # A bulk write that bypasses the ORM is seen too (database triggers).
    db.session.execute(update(Product).where(Product.id == product.id).values(is_active=False))
    db.session.commit()
    assert result("gethuk pelngi").listing.items == [] and result("gethuk pelngi").corrected_query is None
    db.session.execute(text("UPDATE stores SET name = 'Warung Sumber Rejeki' WHERE id = :id"),
                       {"id": shelf["dapur"].id})
    db.session.commit()
    assert [s.name for s in matching_stores(("sumber", "rejki"))] == ["Warung Sumber Rejeki"]
    db.session.execute(update(Store).where(Store.id == shelf["dapur"].id).values(status="suspended"))
    db.session.commit()
    assert matching_stores(("sumber", "rejki")) == []
    assert result("kopi dampti").listing.items == []


# --- Suggestions --------------------------------------------------------------------------

def test_suggestions_forgive_typos(shelf):
    from malpro.services.catalog import category_rows

    found = search_results.suggestions("keripk", categories=category_rows())
    assert "keripik tempe" in found.phrases
    assert [s.name for s in found.stores] == ["Keripik Tempe Bu Sri"]
    assert found.category_ids and "Keripik Tempe Original" in [p.name for p in found.products]
    assert not search_results.suggestions("k") and not search_results.suggestions("")
