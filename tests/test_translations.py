"""The English catalogue and the language switch.

Bahasa Indonesia is the source language (the msgids); malpro/translations/en holds English. The
catalogue must cover every marked string with no fuzzy or empty entry, and a walk through the
pages of every role in English must show no Indonesian text from the catalogue. After adding or
changing marked strings: `make translations-update`, translate the new entries in
malpro/translations/en/LC_MESSAGES/messages.po, `make translations-compile`.
"""
import re
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select, update

from malpro.extensions import babel, db
from malpro.formatting import to_wib
from malpro.models import Category, Opd, Order, User
from malpro.services import orders
from tests.factories import PASSWORD
from tests.order_helpers import place_order

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "malpro" / "translations"
LANGUAGES = ("en",)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")

# Attributes whose text people read or hear (value= is form data, often from the database).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "hx-confirm", "data-confirm"}


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def load_catalogue(lang: str):
    with po_path(lang).open("rb") as fh:
        return read_po(fh)


# --- the catalogue ------------------------------------------------------------------------

def _extract_template(tmp_path) -> set:
    """The msgids the code marks today, extracted the way `make translations-extract` does."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "--ignore-dirs", ".* ._ .venv tests bench", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_covers_every_marked_string(lang, tmp_path):
    catalogue = load_catalogue(lang)
    known = {m.id for m in catalogue if m.id}
    missing = sorted((m if isinstance(m, str) else m[0]) for m in _extract_template(tmp_path) - known)
    assert not missing, (f"{len(missing)} marked strings are not in the {lang} catalogue; run "
                         f"`make translations-update` and translate them: {missing[:20]}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete_and_compiles(lang):
    catalogue = load_catalogue(lang)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if len(strings) != catalogue.num_plurals if message.pluralizable else len(strings) != 1:
            problems.append(f"plural forms: {ids[0]!r}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for translated in strings:
            if set(PLACEHOLDER.findall(translated)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {translated!r}")
    for message, errors in catalogue.check():
        problems += [f"{error}: {message.id!r}" for error in errors]
    assert not problems, "\n".join(problems)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    assert len(compiled.getvalue()) > 1000


# --- the pages in English -----------------------------------------------------------------

@pytest.fixture(scope="module")
def compiled_translations(tmp_path_factory):
    """The .po files compiled into a temporary directory, so the test checks the catalogue in
    the tree and not whatever .mo the last `make` left behind."""
    directory = tmp_path_factory.mktemp("translations")
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        target = directory / po.relative_to(TRANSLATIONS).with_suffix(".mo")
        target.parent.mkdir(parents=True)
        with po.open("rb") as source, target.open("wb") as out:
            write_mo(out, read_po(source))
    return directory


@pytest.fixture
def config(config, compiled_translations):
    config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled_translations)
    return config


class FreshRequestClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production. The
    conftest's app context outlives each request, and `g` would otherwise carry the language
    Flask-Babel chose (and the signed-in user) from one request, or client, to the next."""

    def open(self, *args, **kwargs):
        vars(g).clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app):
    app.test_client_class = FreshRequestClient
    # Flask-Babel keeps loaded catalogues per process, whichever app loaded them.
    babel.domain_instance.cache.clear()
    yield app
    babel.domain_instance.cache.clear()


class VisibleText(HTMLParser):
    """The text a person reads or hears on a page: text nodes outside <script>/<style>, and
    the readable attributes. Text inside an element marked with another language (lang="id",
    e.g. the name of the language in the switch) is left out."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        hidden = (self._hidden() or tag in ("script", "style", "template")
                  or (lang is not None and tag != "html" and lang.split("-")[0] != self.page_lang))
        if not hidden:
            self.parts += [v for k, v in attrs.items() if k in READ_ATTRIBUTES and v]
            if tag == "meta" and attrs.get("name") == "description" and attrs.get("content"):
                self.parts.append(attrs["content"])
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.parts.append(data)


def visible_text(html: str, page_lang: str = "en") -> str:
    parser = VisibleText(page_lang)
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def _pattern(msgid: str) -> re.Pattern | None:
    """A regex for a msgid as it appears once rendered (placeholders filled in), or None when
    its fixed text is too short to tell apart from other words."""
    pieces, literal = [], 0
    for piece in re.split(r"(%\(\w+\)[sd]|%%)", " ".join(msgid.split())):
        if piece == "%%":
            pieces.append("%")
            literal += 1
        elif PLACEHOLDER.fullmatch(piece):
            pieces.append(r"-?\d+" if piece.endswith("d") else ".+?")
        elif piece:
            pieces.append(re.escape(piece))
            literal += len(piece.strip())
    if literal <= 3:
        return None
    return re.compile(r"(?<!\w)" + "".join(pieces) + r"(?!\w)")


@pytest.fixture(scope="module")
def indonesian_patterns():
    """Every Indonesian msgid whose English differs, as (msgid, pattern)."""
    catalogue = [m for m in load_catalogue("en") if m.id]
    english = [s for m in catalogue for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    patterns = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in strings:
                continue  # the same in both languages (Checkout, Status, NIB, ...)
            pattern = _pattern(msgid)
            # A pattern that English text matches too ("Logo %(name)s" and "Logo and
            # documents") cannot tell the languages apart.
            if pattern is not None and not any(pattern.search(s) for s in english):
                patterns.append((msgid, pattern))
    return patterns


def untranslated(html: str, patterns, database_text=()) -> list[str]:
    text = visible_text(html)
    # Names and addresses from the database are data, not interface text.
    for value in sorted(database_text, key=len, reverse=True):
        text = text.replace(value, " ")
    return [msgid for msgid, pattern in patterns if pattern.search(text)]


def login(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def english_client(app, user=None):
    """A client that chose English before signing in (and, signed in, for the account)."""
    client = app.test_client()
    assert client.post("/bahasa", data={"lang": "en"}).status_code == 302
    if user is not None:
        login(client, user)
        assert client.post("/bahasa", data={"lang": "en"}).status_code == 302
    return client


# Chosen so that no name from the database contains an Indonesian interface word.
ORDER_TIME_UTC = datetime(2026, 8, 17, 20, 30)  # 18 Aug 2026 03.30 WIB: another day, and "Agu" in Indonesian


@pytest.fixture
def marketplace(app, make):
    seller = make.user(email="sri@example.com", name="Sri Wahyuni")
    admin = make.user(email="kominfo@example.com", name="Rina Kominfo", is_admin=True)
    buyer = make.user(email="budi@example.com", name="Budi Santoso", phone="6281298765432")
    newcomer = make.user(email="dewi@example.com", name="Dewi Lestari")
    applicant = make.user(email="agus@example.com", name="Agus Salim")
    # The seller reads in English: the account keeps the choice, so notifications follow it.
    seller_client = english_client(app, seller)
    store = make.store(owner=seller, name="Sari Rasa Malang", slug="sari-rasa-malang", kecamatan="Klojen",
                       kelurahan="Kauman", address="Jl. Kawi No. 3", opening_hours="08.00-16.00",
                       delivery_fee=7000, offers_delivery=True, offers_pickup=True)
    pending = make.store(owner=applicant, status="pending", name="Batik Celaket", slug="batik-celaket",
                         kecamatan="Klojen", kelurahan="Samaan", submitted_at=ORDER_TIME_UTC)
    chips = make.product(store=store, name="Keripik Tempe Original", slug="keripik-tempe-original",
                         price=15000, stock=20, unit="pcs", halal_number="ID35110000123", description="Gurih.")
    sambal = make.product(store=store, name="Sambel Pecel Sari", slug="sambel-pecel-sari", price=25000,
                          stock=0, unit="pcs")
    make.product(store=pending, name="Batik Tulis Celaket", price=350000)

    buyer_client = english_client(app, buyer)
    delivery = place_order(buyer, (chips, 2))
    pickup = place_order(buyer, (chips, 1), mode="pickup")
    orders.move(pickup.code, seller.id, "seller", "confirmed")
    orders.move(pickup.code, seller.id, "seller", "ready")
    orders.move(pickup.code, seller.id, "seller", "completed")
    db.session.execute(update(Order).where(Order.id == delivery.id).values(created_at=ORDER_TIME_UTC))
    db.session.commit()
    # A confirmed order through the web, by the seller in English.
    assert seller_client.post(f"/seller/pesanan/{delivery.code}/status",
                              data={"status": "confirmed"}).status_code in (200, 302, 303)
    buyer_client.post("/keranjang/tambah", data={"product_id": chips.id, "quantity": 1})

    names = {u.name for u in db.session.scalars(select(User))} | {
        store.name, pending.name, store.address, pending.address, chips.name, sambal.name, "Batik Tulis Celaket",
        "Gurih.", "Jl. Ijen No. 10", "Pagar hijau", "Oro-oro Dowo", delivery.code, pickup.code}
    names |= {o.name for o in db.session.scalars(select(Opd))}
    return {"seller": seller, "admin": admin, "buyer": buyer, "newcomer": newcomer, "store": store,
            "product_path": f"/produk/{chips.id}-keripik-tempe-original",
            "pending": pending, "chips": chips, "delivery": delivery, "pickup": pickup,
            "seller_client": seller_client, "buyer_client": buyer_client, "database_text": names}


def walk(who, client, paths, patterns, database_text, headers=None):
    problems = {}
    for path in paths:
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200, (path, response.status_code)
        html = response.get_data(as_text=True)
        if headers is None:
            assert '<html lang="en">' in html, path
        found = untranslated(html, patterns, database_text)
        if found:
            problems[f"{who} {path}"] = found
    return problems


def test_every_page_of_the_journeys_is_english(app, marketplace, indonesian_patterns):
    m = marketplace
    chips, store, pending = m["chips"], m["store"], m["pending"]
    delivery, pickup = m["delivery"].code, m["pickup"].code
    db_text = m["database_text"]
    problems = {}

    anonymous = english_client(app)
    anonymous.post("/keranjang/tambah", data={"product_id": chips.id, "quantity": 2})
    problems |= walk("anonymous", anonymous, [
        "/", "/kategori/makanan-minuman", "/cari?q=keripik", "/cari?q=tidakada", m["product_path"],
        f"/toko/{store.slug}", "/keranjang", "/transparansi", "/auth/login", "/auth/register",
    ], indonesian_patterns, db_text)
    problems |= {"(404) " + k: v for k, v in _not_found(anonymous, indonesian_patterns).items()}
    problems |= walk("anonymous htmx", anonymous, ["/cari/saran?q=keripik", "/cari?q=keripik&sort=newest",
                                                   "/kategori/makanan-minuman?min_price=1000"],
                     indonesian_patterns, db_text, headers={"HX-Request": "true"})

    problems |= walk("buyer", m["buyer_client"], [
        "/keranjang", "/checkout", "/pesanan", f"/pesanan/{delivery}", f"/pesanan/{pickup}", "/akun",
        "/akun/asn", "/notifikasi", "/auth/password",
    ], indonesian_patterns, db_text)
    problems |= walk("buyer", m["buyer_client"], [f"/pesanan/{delivery}/status"], indonesian_patterns, db_text,
                     headers={"HX-Request": "true"})

    problems |= walk("seller", m["seller_client"], [
        "/seller/", "/seller/produk", "/seller/produk/baru", f"/seller/produk/{chips.id}/ubah",
        f"/seller/produk/{chips.id}/hapus", "/seller/pesanan", "/seller/pesanan?status=semua",
        f"/seller/pesanan/{delivery}", f"/seller/pesanan/{pickup}", "/seller/toko", "/notifikasi",
    ], indonesian_patterns, db_text)

    newcomer = english_client(app, m["newcomer"])
    problems |= walk("newcomer", newcomer, ["/seller/", "/seller/daftar"], indonesian_patterns, db_text)
    applicant = english_client(app, pending.owner)
    problems |= walk("applicant", applicant, ["/seller/", "/seller/toko", "/seller/produk"], indonesian_patterns,
                     db_text)

    admin = english_client(app, m["admin"])
    category = db.session.scalars(select(Category).order_by(Category.position)).first()
    opd = db.session.scalars(select(Opd).order_by(Opd.code)).first()
    problems |= walk("admin", admin, [
        "/admin/", "/admin/verifikasi", "/admin/verifikasi?status=verified", f"/admin/toko/{pending.id}",
        "/admin/pengguna", f"/admin/pengguna/{m['seller'].id}", "/admin/produk", f"/admin/produk/{chips.id}",
        "/admin/kategori", f"/admin/kategori/{category.id}", "/admin/opd", f"/admin/opd/{opd.id}",
        "/admin/audit", "/admin/asn", f"/admin/asn/{opd.code}", "/admin/admin-baru", "/notifikasi",
        "/auth/logout", "/offline",
    ], indonesian_patterns, db_text)

    assert not problems, "Indonesian interface text on English pages:\n" + "\n".join(
        f"{path}: {found}" for path, found in problems.items())


def test_forms_answer_in_english(app, marketplace, indonesian_patterns):
    """Refused submissions (field messages from forms and services, flashed errors) and a
    checkout placed in English."""
    m = marketplace
    db_text = m["database_text"]
    problems = {}

    def check(who, response, status):
        assert response.status_code == status, (who, response.status_code)
        found = untranslated(response.get_data(as_text=True), indonesian_patterns, db_text)
        if found:
            problems[who] = found

    anonymous = english_client(app)
    check("register", anonymous.post("/auth/register", data={
        "name": "B", "email": "bukan-email", "phone": "12345", "password": "pendek", "confirm": "lain"}), 200)
    check("login", anonymous.post("/auth/login", data={"email": "budi@example.com", "password": "salah-sekali"}),
          200)

    buyer = m["buyer_client"]
    store_id = m["store"].id
    check("checkout, no address", buyer.post("/checkout", data={
        "checkout_key": "k-1", "store": str(store_id), f"fulfilment-{store_id}": "delivery",
        "recipient": "", "phone": "123", "street": "", "kecamatan": "Batu", "kelurahan": ""}), 422)
    placed = buyer.post("/checkout", data={
        "checkout_key": "k-2", "store": str(store_id), f"fulfilment-{store_id}": "pickup",
        "recipient": "Budi Santoso", "phone": "081298765432"})
    assert placed.status_code == 302, placed.get_data(as_text=True)[:500]
    check("checkout done", buyer.get(placed.headers["Location"]), 200)
    check("empty cart", buyer.get("/checkout", follow_redirects=True), 200)

    seller = m["seller_client"]
    check("new product, empty", seller.post("/seller/produk/baru", data={
        "name": "ab", "price": "12,5", "stock": "-1", "unit": ""}), 422)
    check("move refused", seller.post(f"/seller/pesanan/{m['pickup'].code}/status",
                                      data={"status": "cancelled"}, follow_redirects=True), 422)
    newcomer = english_client(app, m["newcomer"])
    check("application, empty", newcomer.post("/seller/daftar", data={"nib": "123", "phone": "0800"}), 422)

    assert not problems, "Indonesian interface text in English answers:\n" + "\n".join(
        f"{who}: {found}" for who, found in problems.items())


def test_form_messages_in_bahasa_indonesia_are_not_wtforms_english(client):
    """WTForms has no Indonesian catalogue: every validator carries its own (marked) message."""
    response = client.post("/auth/register", data={"name": "B", "email": "x" * 250 + "@example.com",
                                                    "password": "pendek", "confirm": "lain"})
    text = visible_text(response.get_data(as_text=True), "id")
    assert "Nama harus 2-120 karakter." in text and "Alamat email tidak valid." in text
    assert "Field must" not in text and "characters long" not in text


def _not_found(client, patterns):
    response = client.get("/produk/999999")
    assert response.status_code == 404
    found = untranslated(response.get_data(as_text=True), patterns)
    return {"/produk/999999": found} if found else {}


def test_categories_show_their_english_names(app, marketplace):
    client = english_client(app)
    categories = list(db.session.scalars(select(Category)))
    indonesian = [c.name for c in categories if c.name != c.name_en]
    assert indonesian
    for path in ("/", "/kategori/makanan-minuman", "/cari?q=keripik", marketplace["product_path"], "/transparansi"):
        text = visible_text(client.get(path).get_data(as_text=True))
        assert not [name for name in indonesian if name in text], path
        assert all(c.name_en in text for c in categories), path


def test_notifications_are_written_in_the_readers_language(app, marketplace):
    """The seller reads English, the buyer's order (placed outside any request) still reaches
    the seller in English, and the seller's move reaches the English buyer in English."""
    seller_page = visible_text(marketplace["seller_client"].get("/notifikasi").get_data(as_text=True))
    assert f"New order {marketplace['delivery'].code}" in seller_page
    buyer_page = visible_text(marketplace["buyer_client"].get("/notifikasi").get_data(as_text=True))
    assert f"Order {marketplace['delivery'].code}: Processing" in buyer_page


def test_money_and_times_in_english(app, marketplace):
    client = marketplace["buyer_client"]
    code = marketplace["delivery"].code
    text = visible_text(client.get(f"/pesanan/{code}").get_data(as_text=True))
    wib = to_wib(ORDER_TIME_UTC)
    assert (wib.day, wib.hour) == (18, 3)
    assert "18 Aug 2026 03.30 WIB" in text
    assert "Rp30.000" in text and "Rp15.000" in text  # 2 × Rp15.000, dot thousands, no decimals
    assert not re.search(r"Rp\s?\d{1,3}(,\d{3})+|IDR|Rp\s\d", text)

    product = visible_text(client.get(marketplace["product_path"]).get_data(as_text=True))
    assert "Rp15.000" in product and "Rp15,000" not in product

    client.post("/bahasa", data={"lang": "id"})
    indonesian = visible_text(client.get(f"/pesanan/{code}").get_data(as_text=True))
    assert "18 Agu 2026 03.30 WIB" in indonesian and "Rp30.000" in indonesian


# --- the language switch ------------------------------------------------------------------

def test_language_choice_stays_in_the_session(client):
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)
    response = client.post("/bahasa", data={"lang": "en", "next": "/keranjang"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/keranjang")
    for path in ("/", "/keranjang", "/cari?q=batik"):
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="en">' in html and "Cart" in visible_text(html), path
    client.post("/bahasa", data={"lang": "xx"})  # an unknown language changes nothing
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.post("/bahasa", data={"lang": "id"})
    assert "Keranjang" in visible_text(client.get("/").get_data(as_text=True))


def test_language_choice_is_kept_on_the_account(app, make):
    user = make.user(email="wati@example.com", name="Wati")
    first = app.test_client()
    login(first, user)
    first.post("/bahasa", data={"lang": "en"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"

    # Another device: a new session, signed in, gets English from the account.
    second = app.test_client()
    assert '<html lang="id">' in second.get("/").get_data(as_text=True)
    login(second, user)
    html = second.get("/akun").get_data(as_text=True)
    assert '<html lang="en">' in html and "My account" in visible_text(html)

    # The account wins over what the session says, and switching back is kept too.
    second.post("/bahasa", data={"lang": "id"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "id"
    assert '<html lang="id">' in first.get("/").get_data(as_text=True)


def test_the_check_finds_indonesian_on_indonesian_pages(app, marketplace, indonesian_patterns):
    """The walk above would pass vacuously if the check could not see Indonesian at all."""
    client = app.test_client()
    found = untranslated(client.get("/").get_data(as_text=True).replace('lang="id"', 'lang="en"'),
                         indonesian_patterns, marketplace["database_text"])
    assert {"Keranjang, %(num)d barang", "Lewati ke konten", "Cari produk", "Produk terbaru"} <= set(found)
    assert len(indonesian_patterns) > 800
