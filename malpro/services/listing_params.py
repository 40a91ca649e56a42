"""The list parameters of a URL (q, category, kecamatan, min_price, max_price, certificate,
sort, page, per_page, exact) as a `ListingQuery`: leniently for web pages (a bad value is
dropped, a page never fails on it) or strictly for the API (ListingParameterError, 400, with
`fields`). Split from services.catalog, which re-exports these names."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from malpro.models import Category
from malpro.reference import kecamatan_names
from malpro.services import search
from malpro.services.errors import DomainError
from malpro.services.search_spelling import variants
from malpro.services.validation import PRICE_MAX

SORTS = ("relevance", "newest", "price_asc", "price_desc", "rating")
CERTIFICATES = ("halal", "pirt", "bpom")
DEFAULT_PER_PAGE = 24
MAX_PER_PAGE = 100
# Deeper pages only make the database skip more rows; nobody reads page 10,001 of a catalogue.
MAX_PAGE = 10_000


# --- List parameters ----------------------------------------------------------------------

class ListingParameterError(DomainError):
    """A list parameter the API cannot use (page, per_page, prices, unknown category or sort)."""

    code = "bad_request"
    status = 400
    default_message = _l("Parameter daftar produk tidak valid.")


@dataclass(frozen=True)
class ListingQuery:
    """What to list. `sort` None means the default: relevance when searching, else newest."""

    q: str = ""
    category: str | None = None  # slug, as in URLs
    category_id: int | None = None
    store_id: int | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None  # set by a search that names a kelurahan (search_results)
    min_price: int | None = None
    max_price: int | None = None
    certificates: tuple[str, ...] = ()
    sort: str | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    exclude_id: int | None = None
    # The words to find instead of the typed ones (one per term), set by search_results when
    # the index knows a typed word under another spelling only.
    corrected: tuple[str, ...] = ()
    exact: bool = False  # the typed words only: no variants, no correction (?exact=1)
    # Per term, more words of the catalogue it finds: those of the same stem (search_results).
    expansions: tuple[tuple[str, ...], ...] = ()

    @cached_property
    def terms(self) -> tuple[str, ...]:
        return search.search_terms(self.q)

    @cached_property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        """Per term, the spellings it is found by (search_spelling.variants)."""
        if self.exact:
            return tuple((term,) for term in self.terms)
        words = self.corrected if len(self.corrected) == len(self.terms) else self.terms
        if len(self.expansions) == len(words):
            return tuple(tuple(dict.fromkeys((*variants(word), *more)))
                         for word, more in zip(words, self.expansions))
        return tuple(variants(word) for word in words)

    @property
    def effective_sort(self) -> str:
        if self.sort is None or (self.sort == "relevance" and not self.terms):
            return "relevance" if self.terms else "newest"
        return self.sort

    @property
    def has_filters(self) -> bool:
        return bool(self.kecamatan or self.kelurahan or self.min_price is not None
                    or self.max_price is not None
                    or self.certificates)


def parse_listing_args(args: Mapping, *, strict: bool = False, categories: list[Category] | None = None,
                       **fixed) -> ListingQuery:
    """The ListingQuery of URL parameters. `fixed` sets what the page itself decides (the
    category of /kategori/<slug>, the store of /toko/<slug>, a per_page).

    strict=False (web pages): an unusable value is ignored, min and max price are swapped when
    reversed. strict=True (API): ListingParameterError naming each bad parameter in `fields`.
    """
    errors: dict[str, str] = {}
    values: dict = {}

    def first(name: str) -> str | None:
        # `in` first: a MultiDict answers a missing key by building a BadRequestKeyError.
        value = args.get(name) if name in args else None
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if value is None:
            return None
        value = str(value).strip()
        return value or None

    values["q"] = (first("q") or "")[:search.MAX_INPUT_LENGTH]
    exact = first("exact")
    if exact is not None:
        if exact.lower() in ("1", "true"):
            values["exact"] = True
        elif exact.lower() not in ("0", "false"):
            errors["exact"] = _("exact harus 1 atau 0.")

    slug = first("category")
    if slug is not None and "category_id" not in fixed:
        categories = categories if categories is not None else _all_categories()
        match = next((c for c in categories if c.slug == slug.lower()), None)
        if match is None:
            errors["category"] = _("Kategori tidak dikenal.")
        else:
            values.update(category=match.slug, category_id=match.id)

    kecamatan = first("kecamatan")
    if kecamatan is not None:
        match = next((k for k in kecamatan_names() if k.casefold() == kecamatan.casefold()), None)
        if match is None:
            errors["kecamatan"] = _("Pilih kecamatan di Kota Malang.")
        else:
            values["kecamatan"] = match

    for name in ("min_price", "max_price"):
        raw = first(name)
        if raw is not None:
            amount = _rupiah_amount(raw)
            if amount is None:
                errors[name] = _("Harga harus bilangan bulat rupiah dari 0 sampai 1.000.000.000.")
            else:
                values[name] = amount
    low, high = values.get("min_price"), values.get("max_price")
    if low is not None and high is not None and low > high:
        if strict:
            errors["max_price"] = _("Harga maksimum tidak boleh di bawah harga minimum.")
        else:
            values["min_price"], values["max_price"] = high, low

    wanted = _all_values(args, "certificate")
    unknown = [c for c in wanted if c not in CERTIFICATES]
    if unknown:
        errors["certificate"] = _("Sertifikat yang dikenal: halal, pirt, bpom.")
    values["certificates"] = tuple(c for c in CERTIFICATES if c in wanted)

    sort = first("sort")
    if sort is not None:
        if sort in SORTS:
            values["sort"] = sort
        else:
            errors["sort"] = _("Urutan yang dikenal: %(sorts)s.", sorts=", ".join(SORTS))

    page = first("page")
    if page is not None:
        number = _whole_number(page)
        if number is None or not 1 <= number <= MAX_PAGE:
            errors["page"] = _("Halaman harus bilangan bulat dari 1 sampai %(n)d.", n=MAX_PAGE)
        else:
            values["page"] = number

    per_page = first("per_page")
    if per_page is not None:
        number = _whole_number(per_page)
        if number is None or not 1 <= number <= MAX_PER_PAGE:
            errors["per_page"] = _("per_page harus bilangan bulat dari 1 sampai %(n)d.", n=MAX_PER_PAGE)
        else:
            values["per_page"] = number

    if strict and errors:
        raise ListingParameterError(fields=errors)
    return ListingQuery(**{**values, **fixed})


def _all_values(args: Mapping, name: str) -> list[str]:
    """Every value of a repeatable parameter (?certificate=halal&certificate=pirt), also
    accepting a comma-separated one (?certificate=halal,pirt)."""
    if name not in args:
        return []
    raw = args.getlist(name) if hasattr(args, "getlist") else args.get(name)
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    return [part.strip().lower() for value in raw for part in str(value).split(",") if part.strip()]


def _whole_number(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


def _rupiah_amount(value: str) -> int | None:
    """'15000', '15.000' or 'Rp 15.000' as 15000; None when it is not an amount in range."""
    cleaned = value.replace(" ", "")
    if cleaned[:2].lower() == "rp":
        cleaned = cleaned[2:]
    cleaned = cleaned.replace(".", "")
    amount = _whole_number(cleaned)
    return amount if amount is not None and amount <= PRICE_MAX else None


def _all_categories() -> list[Category]:
    from malpro.services.catalog import all_categories

    return all_categories()
