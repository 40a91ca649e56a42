"""Full-text search (services.search and the 0002 index): prefixes, case, odd input, ranking,
and the index following every write, whoever makes it."""
import pytest
from sqlalchemy import delete, insert, update

from malpro.extensions import db
from malpro.models import Product, Store
from malpro.services.catalog import ListingQuery, count_listing, listing
from malpro.services.search import search_terms


def found(q: str, **filters) -> list[str]:
    return [item.name for item in listing(ListingQuery(q=q, per_page=50, **filters)).items]


def test_search_terms_keep_letters_and_digits_only():
    assert search_terms('Keripik "Tempe" AND (pedas)* 100% -manis') == (
        "keripik", "tempe", "and", "pedas", "100", "manis")
    assert search_terms("snake_case:field") == ("snake", "case", "field")
    assert search_terms("🍩🍩 kue 🍩") == ("kue",)
    assert search_terms("  ") == () and search_terms(None) == ()
    assert search_terms("kopi KOPI Kopi") == ("kopi",)
    assert len(search_terms(" ".join(f"kata{n}" for n in range(20)))) == 8
    assert search_terms("a" * 500) == ("a" * 40,)
    assert search_terms("ＫＯＰＩ") == ("kopi",)  # full-width letters, as some phone keyboards type


@pytest.fixture
def goods(make):
    bu_sri = make.store(name="Keripik Tempe Bu Sri")
    other = make.store(name="Dapur Mak Yah")
    make.product(store=bu_sri, name="Keripik Tempe Original", description="Renyah dan gurih.")
    make.product(store=other, name="Sambal Bawang", description="Cocok untuk keripik dan nasi hangat.")
    make.product(store=other, name="Kopi Dampit Robusta", description="Kopi asli Dampit, Malang.")
    make.product(store=other, name="Café Latte Susu", description="Minuman kopi susu.")
    make.product(store=bu_sri, name="Paket Hampers", description="Isi tiga bungkus.")


def test_prefix_and_case(goods):
    assert "Keripik Tempe Original" in found("kerip")
    assert found("KERIPIK TEMPE") == found("keripik tempe") == found("Kerip Temp")
    assert found("dampit") == ["Kopi Dampit Robusta"]
    assert found("damp robus") == ["Kopi Dampit Robusta"]
    assert found("tidakada") == []


def test_every_word_must_match(goods):
    assert found("kopi dampit") == ["Kopi Dampit Robusta"]
    assert found("kopi sambal") == []


def test_description_and_store_name_are_searched(goods):
    assert found("renyah") == ["Keripik Tempe Original"]
    # "Paket Hampers" says nothing of keripik itself, but its store's name does.
    assert "Paket Hampers" in found("keripik")
    assert found("yah") and set(found("yah")) == {"Sambal Bawang", "Kopi Dampit Robusta", "Café Latte Susu"}


def test_diacritics_are_ignored(goods):
    assert "Café Latte Susu" in found("cafe")
    assert "Café Latte Susu" in found("CAFÉ")


def test_name_matches_rank_first(goods):
    # Name match, then the store-name match, then the description-only match.
    ranked = found("keripik")
    assert ranked[0] == "Keripik Tempe Original"
    assert set(ranked[1:]) == {"Paket Hampers", "Sambal Bawang"}
    assert found("kopi susu") == ["Café Latte Susu"]
    assert found("kopi dampit malang") == ["Kopi Dampit Robusta"]


def test_name_tiers_with_several_words(make):
    store = make.store(name="Toko Serba Ada")
    make.product(store=store, name="Gula Aren", description="Cocok untuk kopi susu gula aren.")
    make.product(store=store, name="Kopi Susu Gula Aren", description="Siap minum.")
    make.product(store=store, name="Kopi Susu Kaleng", description="Manis, dengan gula aren.")
    assert found("kopi gula aren") == ["Kopi Susu Gula Aren", "Kopi Susu Kaleng", "Gula Aren"]


def test_name_matches_first_even_when_older(make):
    store = make.store(name="Toko Apa Saja")
    make.product(store=store, name="Jenang Apel", description="Manis.")
    make.product(store=store, name="Sari Buah", description="Dibuat dari apel Batu pilihan, apel segar.")
    assert found("apel") == ["Jenang Apel", "Sari Buah"]
    # Other sorts apply to search results too.
    assert [p.name for p in listing(ListingQuery(q="apel", sort="newest")).items] == ["Sari Buah", "Jenang Apel"]


ODD_INPUTS = ['"', "'", "*", "AND", "OR", "NOT", "(", ")", "%", "_", "-", ":", "🌶️", "a" * 500,
              'keripik"', "kerip*", "keripik AND", "NOT keripik", "(keripik", "keripik)", "100%",
              "ker_ipik", "-keripik", "name:keripik", "keripik 🌶️", "NEAR(keripik tempe)", "^keripik",
              "{name}: keripik", "\\", "'; DROP TABLE products; --", "\x00", "keripik\ttempe"]


# Inputs whose words all occur in "Keripik Tempe Original" (the rest is punctuation).
FINDS_KERIPIK = {'keripik"', "kerip*", "(keripik", "keripik)", "-keripik", "keripik 🌶️", "^keripik",
                 "keripik\ttempe"}


@pytest.mark.parametrize("q", ODD_INPUTS)
def test_odd_input_never_fails(goods, q):
    results = found(q)
    assert count_listing(ListingQuery(q=q)) == len(results)
    if q in FINDS_KERIPIK:
        assert results[0] == "Keripik Tempe Original"


def test_operator_words_are_plain_words(make):
    make.product(name="Kopi Andalan", description="Kopi kebanggaan.")
    make.product(name="Teh Notes", description="Teh tubruk.")
    assert found("AND") == ["Kopi Andalan"]
    assert found("not") == ["Teh Notes"]


# --- The index follows every write -------------------------------------------------------

def test_index_follows_orm_edits(make):
    product = make.product(name="Bakpia Kacang Hijau", description="Isi 10.")
    assert found("bakpia") == ["Bakpia Kacang Hijau"]
    product.name = "Onde-onde Wijen"
    db.session.commit()
    assert found("bakpia") == [] and found("onde wijen") == ["Onde-onde Wijen"]
    product.description = "Legit dengan kacang hijau."
    db.session.commit()
    assert found("legit") == ["Onde-onde Wijen"] and found("isi") == []
    db.session.delete(product)
    db.session.commit()
    assert found("onde") == [] and count_listing(ListingQuery(q="onde")) == 0


def test_index_follows_store_renames(make):
    store = make.store(name="Toko Lama")
    make.product(store=store, name="Gerabah Hias")
    assert found("lama") == ["Gerabah Hias"]
    store.name = "Sanggar Baru"
    db.session.commit()
    assert found("lama") == [] and found("sanggar") == ["Gerabah Hias"]


def test_index_follows_bulk_sql(make):
    """The seeder and other services write with plain INSERT/UPDATE statements."""
    store = make.store(name="Toko Grosir")
    category_id = make.category().id
    db.session.execute(insert(Product), [
        {"store_id": store.id, "category_id": category_id, "name": f"Kerupuk Samiler {n}", "slug": f"k-{n}",
         "description": "", "price": 10000, "stock": 5, "unit": "pcs", "is_active": True,
         "rating_count": 0, "rating_sum": 0} for n in range(3)])
    db.session.commit()
    assert len(found("samiler")) == 3
    db.session.execute(update(Product).where(Product.name == "Kerupuk Samiler 0").values(name="Rengginang"))
    db.session.execute(update(Store).where(Store.id == store.id).values(name="Grosir Jaya"))
    db.session.commit()
    assert len(found("samiler")) == 2 and found("rengginang") == ["Rengginang"]
    assert len(found("grosir jaya")) == 3
    db.session.execute(delete(Product).where(Product.name == "Rengginang"))
    db.session.commit()
    assert found("rengginang") == []


def test_stock_and_price_updates_keep_the_product_findable(make):
    product = make.product(name="Madu Kelengkeng")
    db.session.execute(update(Product).where(Product.id == product.id).values(stock=3, price=45000))
    db.session.commit()
    assert found("madu") == ["Madu Kelengkeng"]
    assert listing(ListingQuery(q="madu")).items[0].price == 45000
