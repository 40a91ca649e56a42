"""Full-text product search over a product's name, description and store name.

The index is the `product_search` table of migration 0002, kept in sync by database triggers:
an FTS5 table on SQLite (rowid = product id), a tsvector per product on PostgreSQL. This module
turns what a buyer typed into a query for either and never passes their text through as query
syntax: the input is cut into words (letters and digits), each word becomes a quoted prefix
term ("kerip" finds "Keripik"), and all words must match. Quotes, `*`, `AND`, `(`, `%`, emoji
or 500 characters therefore cannot break the query: punctuation is dropped, operator words are
searched as plain words.

Relevance: products whose name holds every word come first, then those whose name holds some of
them, then the rest (description or store name only); newer products first within each tier.
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
    PostgreSQL (`tier` set): an expression giving each row its tier (0, 1, 2), to order by.
    """

    source: object
    product_id: ColumnElement
    matches: ColumnElement
    tiers: tuple[ColumnElement, ...] = ()
    tier: ColumnElement | None = None


@lru_cache(maxsize=8)
def plan(dialect: str, several_terms: bool) -> SearchPlan:
    """The plan for a search of one term or of several (SQLite's tiers differ); built once."""
    if dialect == "sqlite":
        tiers = ("search_tier_0", "search_tier_1", "search_tier_2") if several_terms else (
            "search_tier_0", "search_tier_1")
        return SearchPlan(source=_fts, product_id=_fts.c.rowid, matches=_match("search_all"),
                          tiers=tuple(_match(name) for name in tiers))
    # PostgreSQL, the only other database Malpro starts on (malpro.normalize_database_url).
    document = _pg.c.document
    tier = case((document.op("@@")(_tsquery("search_name_all")), 0),
                (document.op("@@")(_tsquery("search_name_any")), 1), else_=2)
    return SearchPlan(source=_pg, product_id=_pg.c.product_id,
                      matches=document.op("@@")(_tsquery("search_all")), tier=tier)


def parameters(terms: tuple[str, ...], dialect: str) -> dict[str, str]:
    """The bind parameters of plan(dialect, len(terms) > 1) for these terms."""
    if not terms:
        raise ValueError("a search needs at least one term")
    if dialect == "sqlite":
        return _sqlite_parameters(terms)
    return _postgres_parameters(terms)


# --- SQLite FTS5 --------------------------------------------------------------------------

def _match(name: str) -> ColumnElement:
    return literal_column(TABLE_NAME).op("MATCH")(bindparam(name, type_=String))


def _fts5_all(terms, column_name: str | None = None) -> str:
    # Terms hold letters and digits only, so wrapping them in double quotes makes each a plain
    # string token: nothing the buyer typed can be read as FTS5 syntax.
    expression = " AND ".join(f'"{term}"*' for term in terms)
    return f"{column_name} : ({expression})" if column_name else f"({expression})"


def _fts5_any(terms, column_name: str) -> str:
    return f"{column_name} : (" + " OR ".join(f'"{term}"*' for term in terms) + ")"


def _sqlite_parameters(terms) -> dict[str, str]:
    every, in_name = _fts5_all(terms), _fts5_all(terms, "name")
    if len(terms) == 1:
        return {"search_all": every, "search_tier_0": in_name, "search_tier_1": f"{every} NOT ({in_name})"}
    some_in_name = _fts5_any(terms, "name")
    return {"search_all": every, "search_tier_0": in_name,
            "search_tier_1": f"({every} AND ({some_in_name})) NOT ({in_name})",
            "search_tier_2": f"{every} NOT ({some_in_name})"}


# --- PostgreSQL full text -----------------------------------------------------------------

def _tsquery(name: str) -> ColumnElement:
    # 'simple' does not stem (Indonesian words are not English).
    return func.to_tsquery(literal_column("'simple'::regconfig"), bindparam(name, type_=String))


def _tsquery_text(terms, operator: str, weight: str = "") -> str:
    # ':*' makes each term a prefix; 'A' limits it to the name's lexemes (the name weighs A).
    return f" {operator} ".join(f"'{term}':*{weight}" for term in terms)


def _postgres_parameters(terms) -> dict[str, str]:
    return {"search_all": _tsquery_text(terms, "&"),
            "search_name_all": _tsquery_text(terms, "&", "A"),
            "search_name_any": _tsquery_text(terms, "|", "A")}
