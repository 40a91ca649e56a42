"""What a search shows: the products, and how it got to them.

`search(query)` is the one entry point of the search page, its "load more" pages and the API's
`/products?q=`; `suggestions(q)` serves the search box while the buyer types. In order:

1. The typed words, each also found by its spelling variants (services.search_spelling).
2. Nothing found: each word the catalogue does not know is corrected to the closest word of its
   vocabulary (services.search_vocabulary) and the corrected words are searched; the result
   says so (`corrected_query`), and `exact` searches the typed words only.
3. Still nothing, and the query names a kecamatan or kelurahan ("sukun"): the products of the
   stores there (`place_listing`).
4. Still nothing: an empty listing; a correction that the filters left without products is
   offered as `suggestion` ("Mungkin maksud Anda ...").

Stores whose name matches come with every first page (`stores`), and a named place with every
result (`place`), so the page can link to them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from malpro.services import search as search_index
from malpro.services.catalog import ListingPage, ListingQuery, ProductCard, any_listed, listing
from malpro.services.search_vocabulary import (
    Place,
    StoreEntry,
    correct_terms,
    current,
    matching_stores,
    place_named,
)

STORE_MATCHES = 4


@dataclass
class SearchResult:
    query: ListingQuery  # what the listing reproduces on its other pages: as typed, or corrected
    listing: ListingPage
    corrected_query: str | None = None  # the words searched instead of the typed ones
    suggestion: str | None = None  # a correction that found nothing under the filters
    place: Place | None = None  # the kecamatan or kelurahan the query names
    place_listing: bool = False  # the listing holds the products of the stores in `place`
    stores: list[StoreEntry] = field(default_factory=list)
    # The query the listing ran, when it is not `query` (a place's products): to count them.
    listed: ListingQuery | None = None

    @property
    def counted_query(self) -> ListingQuery:
        return self.listed or self.query

    @property
    def empty(self) -> bool:
        return not self.listing.items and self.listing.page == 1


def _has_match(query: ListingQuery) -> bool:
    return any_listed(query)


def _empty(query: ListingQuery) -> ListingPage:
    return ListingPage(items=[], page=query.page, per_page=query.per_page, has_next=False)


def search(query: ListingQuery) -> SearchResult:
    if not query.terms:
        return SearchResult(query=query, listing=listing(query))
    vocabulary = current()
    if not query.exact:
        query = _with_same_stem(query, vocabulary)
    # A word that no name knows (a typo, or a word of descriptions only): first ask whether the
    # words find anything at all, which is much cheaper than an empty page of ranked tiers.
    known = all(any(vocabulary.knows(v) for v in group) for group in query.groups)
    page = listing(query) if known or any_listed(query) else _empty(query)
    # Within one store (the API's /stores/<slug>/products) places and other stores mean nothing.
    within_store = query.store_id is not None
    place = None if within_store else place_named(query.q)
    stores = (matching_stores(query.terms, STORE_MATCHES)
              if query.page == 1 and not query.exact and not within_store else [])
    if page.items or (query.page > 1 and _has_match(query)):
        return SearchResult(query=query, listing=page, place=place, stores=stores)
    if query.exact:
        return SearchResult(query=query, listing=page)

    # A place named exactly ("sukun") is what was meant, before any correction ("susun").
    if place is not None and place_named(query.q, fuzzy=False) == place:
        found = _place_result(query, place, stores)
        if found is not None:
            return found
    corrected = correct_terms(query.terms)
    if corrected:
        fixed = _with_same_stem(replace(query, corrected=corrected, expansions=()), vocabulary)
        fixed_page = listing(fixed)
        if fixed_page.items or (query.page > 1 and _has_match(fixed)):
            return SearchResult(query=fixed, listing=fixed_page, corrected_query=" ".join(corrected),
                                place=place, stores=stores)
    if place is not None:
        found = _place_result(query, place, stores)
        if found is not None:
            return found
    return SearchResult(query=query, listing=page, place=place, stores=stores,
                        suggestion=" ".join(corrected) if corrected else None)


def _with_same_stem(query: ListingQuery, vocabulary) -> ListingQuery:
    """`query` also finding the catalogue's words of the same stem as its words (Indonesian
    affixes: "nikah" finds "pernikahan", "anyam" finds "anyaman"), ranked with the variants."""
    words = query.corrected if len(query.corrected) == len(query.terms) else query.terms
    more = tuple(vocabulary.same_stem(word) for word in words)
    return replace(query, expansions=more) if any(more) else query


def _place_result(query: ListingQuery, place: Place, stores: list) -> SearchResult | None:
    """The products of the stores in `place`, under the query's other filters, or None."""
    in_place = replace(query, q="", corrected=(), expansions=(), kecamatan=place.kecamatan,
                       kelurahan=place.name if place.kind == "kelurahan" else None,
                       sort=None if query.sort == "relevance" else query.sort)
    page = listing(in_place)
    if page.items or (query.page > 1 and _has_match(in_place)):
        # `query` stays as typed, so its next pages (and its filter form) are this search again.
        return SearchResult(query=query, listing=page, place=place, place_listing=True,
                            stores=stores, listed=in_place)
    return None


# --- While typing -------------------------------------------------------------------------

@dataclass
class Suggestions:
    phrases: list[str] = field(default_factory=list)  # searches to run ("keripik tempe")
    stores: list[StoreEntry] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    products: list[ProductCard] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.phrases or self.stores or self.category_ids or self.products)


MAX_PHRASES = 2
SUGGESTED_STORES = 2
SUGGESTED_CATEGORIES = 2


def _phrases(groups: tuple[tuple[str, ...], ...], names: list[str]) -> list[str]:
    """Searches that complete the query from the found names: the name's words from the first
    to the last one the query matched, and the next word ("keripk" -> "keripik tempe")."""
    found: list[str] = []
    for name in names:
        words = search_index.search_terms(name)
        positions = []
        for group in groups:
            at = next((i for i, w in enumerate(words) if any(w.startswith(g) for g in group)), None)
            if at is None:
                break
            positions.append(at)
        if len(positions) < len(groups):
            continue
        phrase = " ".join(w for w in words[min(positions):max(positions) + 2] if not w.isdigit())
        if phrase and phrase not in found:
            found.append(phrase)
        if len(found) == MAX_PHRASES:
            break
    return found


def suggestions(q: str, limit: int = 6, categories: list | None = None) -> Suggestions:
    """What the search box offers for `q`: searches, stores, categories and products, with
    the same tolerance as the search itself."""
    terms = search_index.search_terms(q)
    if not terms or sum(len(t) for t in terms) < 2:
        return Suggestions()
    result = search(ListingQuery(q=q, sort="relevance", per_page=limit))
    products = result.listing.items
    groups = result.query.groups if not result.place_listing else ()
    phrases = _phrases(groups, [p.name for p in products]) if groups else []
    category_ids = list(dict.fromkeys(p.category_id for p in products))[:2]
    if categories:
        wanted = result.query.groups or tuple((t,) for t in terms)
        for category in categories:
            words = search_index.search_terms(category.name)
            if all(any(w.startswith(g) for g in group for w in words) for group in wanted):
                if category.id not in category_ids:
                    category_ids.insert(0, category.id)
    return Suggestions(phrases=phrases, stores=result.stores[:SUGGESTED_STORES],
                       category_ids=category_ids[:SUGGESTED_CATEGORIES], products=products)


def vocabulary_size() -> int:
    """How many distinct words the correction knows (for the bench's report)."""
    return len(current().words)


# --- No results ---------------------------------------------------------------------------

CLOSE_ENOUGH = 60  # rapidfuzz partial_ratio, 0-100


def closest_categories(q: str, categories: list, limit: int = 4) -> list:
    """The categories whose name (or slug) is closest to what was typed, best first."""
    text = " ".join(search_index.search_terms(q))

    def score(category) -> float:
        names = (category.name, getattr(category, "name_en", None) or "", category.slug.replace("-", " "))
        return max(fuzz.partial_ratio(text, search_index.fold(name)) for name in names if name)

    scores = {c.id: score(c) for c in categories}
    if max(scores.values(), default=0) < CLOSE_ENOUGH:
        return list(categories)[:limit]  # nothing resembles the query: the categories in order
    return sorted(categories, key=lambda c: -scores[c.id])[:limit]


def popular_products(limit: int = 6) -> list[ProductCard]:
    """The best rated visible products: something to look at when a search found nothing."""
    return listing(ListingQuery(sort="rating", per_page=limit)).items
