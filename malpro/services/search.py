"""Full-text product search over a product's name, description and store name.

The index is the `product_search` table of migration 0002, kept in sync by database triggers:
an FTS5 table on SQLite (rowid = product id), a tsvector per product on PostgreSQL. This module
turns what a buyer typed into a query for either and never passes their text through as query
syntax: the input is cut into words (letters and digits), each word becomes a quoted prefix
term ("kerip" finds "Keripik"), and all words must match. Quotes, `*`, `AND`, `(`, `%`, emoji
or 500 characters therefore cannot break the query: punctuation is dropped, operator words are
searched as plain words.

Each word also finds its spelling variants and, when the index knows no such word, its
correction (services.search_spelling, services.search_vocabulary, services.search_results).

Relevance: products whose name holds every word as typed come first (whole words before
prefixes), then those found through a variant or correction, then those whose name holds some
of the words, then the rest (description or store name only); in stock before out of stock and
newer products first within each tier.
On SQLite each tier is one FTS5 query read in rowid order, so a page stops reading the index
after per_page + 1 visible rows even when thousands of products match.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Integer, String, bindparam, case, column, func, literal_column, table
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.sql.elements import ColumnElement

# A word is a run of letters or digits, as FTS5's unicode61 tokenizer and PostgreSQL's parser
# see it ("_" separates words for both).
_WORD = re.compile(r"[^\W_]+")
MAX_INPUT_LENGTH = 200
MAX_TERMS = 8
# A longer word is cut: as a prefix it still finds what the whole word finds.
MAX_TERM_LENGTH = 40

TABLE_NAME = "product_search"
_fts = table(TABLE_NAME, column("rowid", Integer))
_pg = table(TABLE_NAME, column("product_id", Integer), column("document", TSVECTOR))


def fold(text: str) -> str:
    """Lower case without diacritics ("Café" -> "cafe"), as the index stores words: FTS5's
    remove_diacritics on SQLite, the migration's translate() map on PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def search_terms(q: str | None) -> tuple[str, ...]:
    """The distinct folded words of `q`, at most MAX_TERMS of them."""
    text = fold((q or "")[:MAX_INPUT_LENGTH])
    terms: list[str] = []
    for word in _WORD.findall(text):
        word = word[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return tuple(terms)


def is_search_table(name: str) -> bool:
    """The index's own tables (FTS5 keeps shadow tables product_search_data, ...), which the
    models do not describe: schema comparisons leave them out."""
    return name == TABLE_NAME or name.startswith(TABLE_NAME + "_")


@dataclass(frozen=True)
class SearchPlan:
    """What the listing query needs to search, as SQL with bind parameters (the buyer's words
    go in `parameters()`): the index table to join (`source`, joined on `product_id`), the
    condition that all terms match, and the relevance order.

    SQLite (`tiers` set): one condition per relevance tier, disjoint, whose union is `matches`;
    the caller runs one SELECT per tier (UNION ALL) ordered by tier, then `product_id` DESC.
    PostgreSQL (`tier` set): an expression giving each row its tier (0 to 4), to order by.

    The tiers: the name holds every word as typed, as whole words (0), as prefixes (1), through
    spelling variants or corrections (2); the name holds some of the words (3); the words are
    only in the description or the store's name (4). With one word, tier 3 is empty.
    """

    source: object
    product_id: ColumnElement
    matches: ColumnElement
    tiers: tuple[ColumnElement, ...] = ()
    tier: ColumnElement | None = None


_SQLITE_TIERS = ("search_tier_0", "search_tier_1", "search_tier_2", "search_tier_3", "search_tier_4")


@lru_cache(maxsize=8)
def plan(dialect: str, several_terms: bool) -> SearchPlan:
    """The plan for a search of one term or of several (SQLite's tiers differ); built once."""
    if dialect == "sqlite":
        tiers = _SQLITE_TIERS if several_terms else _SQLITE_TIERS[:3] + _SQLITE_TIERS[4:]
        return SearchPlan(source=_fts, product_id=_fts.c.rowid, matches=_match("search_all"),
                          tiers=tuple(_match(name) for name in tiers))
    # PostgreSQL, the only other database Malpro starts on (malpro.normalize_database_url).
    document = _pg.c.document
    tier = case((document.op("@@")(_tsquery("search_name_exact")), 0),
                (document.op("@@")(_tsquery("search_name_typed")), 1),
                (document.op("@@")(_tsquery("search_name_all")), 2),
                (document.op("@@")(_tsquery("search_name_any")), 3), else_=4)
    return SearchPlan(source=_pg, product_id=_pg.c.product_id,
                      matches=document.op("@@")(_tsquery("search_all")), tier=tier)


def parameters(terms: tuple[str, ...], dialect: str,
               groups: tuple[tuple[str, ...], ...] | None = None) -> dict[str, str]:
    """The bind parameters of plan(dialect, len(terms) > 1): `terms` as typed, `groups` the
    spellings each may be found by (the term's variants, or its correction and variants;
    default: the term alone)."""
    if not terms:
        raise ValueError("a search needs at least one term")
    groups = groups or tuple((term,) for term in terms)
    if len(groups) != len(terms):
        raise ValueError("one group of spellings per term")
    if dialect == "sqlite":
        return _sqlite_parameters(terms, groups)
    return _postgres_parameters(terms, groups)


# --- SQLite FTS5 --------------------------------------------------------------------------

def _match(name: str) -> ColumnElement:
    return literal_column(TABLE_NAME).op("MATCH")(bindparam(name, type_=String))


# Terms hold letters and digits only, so wrapping them in double quotes makes each a plain
# string token: nothing the buyer typed can be read as FTS5 syntax.
def _fts5_group(group, prefix: bool = True) -> str:
    star = "*" if prefix else ""
    return "(" + " OR ".join(f'"{word}"{star}' for word in group) + ")"


def _fts5(groups, operator: str, column_name: str | None = None, prefix: bool = True) -> str:
    expression = "(" + f" {operator} ".join(_fts5_group(g, prefix) for g in groups) + ")"
    return f"{column_name} : {expression}" if column_name else expression


def _sqlite_parameters(terms, groups) -> dict[str, str]:
    typed = tuple((term,) for term in terms)
    every = _fts5(groups, "AND")
    exact, in_name = _fts5(typed, "AND", "name", prefix=False), _fts5(typed, "AND", "name")
    all_in_name = _fts5(groups, "AND", "name")
    params = {"search_all": every, "search_tier_0": exact,
              "search_tier_1": f"({in_name}) NOT ({exact})",
              "search_tier_2": f"({all_in_name}) NOT ({in_name})"}
    if len(terms) == 1:
        params["search_tier_4"] = f"{every} NOT ({all_in_name})"
        return params
    some_in_name = _fts5(groups, "OR", "name")
    params["search_tier_3"] = f"({every} AND ({some_in_name})) NOT ({all_in_name})"
    params["search_tier_4"] = f"{every} NOT ({some_in_name})"
    return params


# --- PostgreSQL full text -----------------------------------------------------------------

def _tsquery(name: str) -> ColumnElement:
    # 'simple' does not stem (Indonesian words are not English).
    return func.to_tsquery(literal_column("'simple'::regconfig"), bindparam(name, type_=String))


def _tsquery_text(groups, operator: str, weight: str = "", prefix: bool = True) -> str:
    # ':*' makes each term a prefix; 'A' limits it to the name's lexemes (the name weighs A).
    star = "*" if prefix else ""
    marker = f":{star}{weight}" if star or weight else ""
    return f" {operator} ".join(
        "(" + " | ".join(f"'{word}'{marker}" for word in group) + ")" for group in groups)


def _postgres_parameters(terms, groups) -> dict[str, str]:
    typed = tuple((term,) for term in terms)
    return {"search_all": _tsquery_text(groups, "&"),
            "search_name_exact": _tsquery_text(typed, "&", "A", prefix=False),
            "search_name_typed": _tsquery_text(typed, "&", "A"),
            "search_name_all": _tsquery_text(groups, "&", "A"),
            "search_name_any": _tsquery_text(groups, "|", "A")}
