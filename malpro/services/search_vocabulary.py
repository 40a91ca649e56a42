"""The catalogue's vocabulary, for correcting what the index does not know.

A word the index finds (whole or as a prefix, or through a spelling variant) is never
corrected. One it does not find is matched against the words of the names of visible products
and verified stores by edit distance (RapidFuzz's optimal string alignment: a swap of two
neighbouring letters is one edit): one edit for words of 4-7 letters, two for longer ones,
none for shorter ones. The closest word wins, the most used one among equals.

The vocabulary is read from the database once per process and kept while it is current:
migration 0016's triggers add one to `product_search_version` whenever a product's name,
activity or store, or a store's name or status changes, inside the writer's transaction, so a
reader sees the new number exactly when it sees the change (one tiny SELECT per correction).
VOCABULARY_MAX_AGE bounds how long a process keeps it regardless. The same code serves SQLite
and PostgreSQL (measured against pg_trgm and FTS5 trigram in docs/performance.md).
"""
from __future__ import annotations

import bisect
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from flask import g, has_request_context
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import text

from malpro.extensions import db
from malpro.reference import regions
from malpro.services.search import search_terms
from malpro.services.search_spelling import normalise, variants

VOCABULARY_MAX_AGE = 300.0  # seconds
VERSION_TABLE = "product_search_version"
MIN_CORRECTED_LENGTH = 4
MIN_STEMMED_LENGTH = 5
MAX_SAME_STEM = 4  # words of the same stem a query word brings along

_VERSION = text(f"SELECT version FROM {VERSION_TABLE}")
_PRODUCT_NAMES = text(
    "SELECT products.name, count(*) FROM products JOIN stores ON stores.id = products.store_id "
    "WHERE stores.status = 'verified' AND products.is_active = :active GROUP BY products.name")
_STORES = text("SELECT id, slug, name, kecamatan, kelurahan FROM stores WHERE status = 'verified' "
               "ORDER BY id")


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Indonesian stem of a folded word (PySastrawi: "pernikahan" -> "nikah"); short words
    and words with digits are their own stem. Kept per process: a word's stem never changes."""
    if len(word) < MIN_STEMMED_LENGTH or not word.isalpha():
        return word
    return _stemmer().stem(word) or word


def max_edits(word: str) -> int:
    """How many edits a word may be away from its correction (the issue's rule)."""
    if len(word) < MIN_CORRECTED_LENGTH:
        return 0
    return 1 if len(word) <= 7 else 2


@dataclass(frozen=True)
class StoreEntry:
    id: int
    slug: str
    name: str
    kecamatan: str
    kelurahan: str
    words: tuple[str, ...]  # folded words of the name, with their normal forms


@dataclass(frozen=True)
class Place:
    """A kecamatan or a kelurahan of Kota Malang that a query names."""

    kind: str  # "kecamatan" or "kelurahan"
    name: str
    kecamatan: str

    @property
    def label(self) -> str:
        return ("Kec. " if self.kind == "kecamatan" else "Kel. ") + self.name


@dataclass
class Vocabulary:
    version: int | None
    loaded_at: float
    counts: Counter = field(default_factory=Counter)  # word -> number of names holding it
    words: list[str] = field(default_factory=list)  # sorted, for prefix look-ups
    keys: dict[str, str] = field(default_factory=dict)  # normal form -> most used word
    key_list: list[str] = field(default_factory=list)
    keys_by_length: dict[int, list[str]] = field(default_factory=dict)
    stores: tuple[StoreEntry, ...] = ()
    by_stem: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stem -> words, most used first
    store_words: list[str] = field(default_factory=list)  # sorted words of store names
    stores_by_word: dict[str, frozenset[int]] = field(default_factory=dict)  # word -> store indexes

    def stores_with(self, term: str) -> set[int]:
        """Indexes of the stores with a name word that starts with `term` or one of its variants."""
        found: set[int] = set()
        for option in variants(term):
            at = bisect.bisect_left(self.store_words, option)
            while at < len(self.store_words) and self.store_words[at].startswith(option):
                found |= self.stores_by_word[self.store_words[at]]
                at += 1
        return found

    def knows(self, word: str) -> bool:
        """Whether `word` is a word of the vocabulary or the start of one."""
        at = bisect.bisect_left(self.words, word)
        return at < len(self.words) and self.words[at].startswith(word)

    def same_stem(self, word: str) -> tuple[str, ...]:
        """Other words of the vocabulary with the stem of `word` that it does not already find
        as a prefix ("nikah" -> "pernikahan", "lukis" -> "lukisan")."""
        return tuple(w for w in self.by_stem.get(stem(word), ()) if not w.startswith(word))[:MAX_SAME_STEM]

    def correct(self, word: str) -> str | None:
        """The vocabulary word `word` was meant to be, or None (it is known, or nothing close)."""
        if any(self.knows(v) for v in variants(word)):
            return None
        key = normalise(word)
        if key in self.keys:
            return self.keys[key]
        limit = max_edits(word)
        if not limit:
            return None
        # Only words whose length is within reach can be within `limit` edits.
        candidates = [k for n in range(len(key) - limit, len(key) + limit + 1)
                      for k in self.keys_by_length.get(n, ())]
        found = process.extract(key, candidates, scorer=OSA.distance, score_cutoff=limit, limit=20)
        if not found:
            return None
        best = min(found, key=lambda hit: (hit[1], -self.counts[self.keys[hit[0]]], hit[0]))
        return self.keys[best[0]]


def _build(version: int | None) -> Vocabulary:
    connection = db.session.connection()
    counts: Counter = Counter()
    for name, number in connection.execute(_PRODUCT_NAMES, {"active": True}):
        for word in set(search_terms(name)):
            counts[word] += number
    stores = []
    for row in connection.execute(_STORES):
        words = search_terms(row.name)
        for word in words:
            counts[word] += 1
        stores.append(StoreEntry(row.id, row.slug, row.name, row.kecamatan, row.kelurahan,
                                 tuple(dict.fromkeys((*words, *map(normalise, words))))))
    by_word: dict[str, set[int]] = {}
    for index, store in enumerate(stores):
        for word in store.words:
            by_word.setdefault(word, set()).add(index)
    words = sorted(w for w in counts if not w.isdigit())
    keys: dict[str, str] = {}
    for word in sorted(words, key=lambda w: (-counts[w], w)):
        keys.setdefault(normalise(word), word)
    by_stem: dict[str, list[str]] = {}
    for word in sorted(words, key=lambda w: (-counts[w], w)):
        by_stem.setdefault(stem(word), []).append(word)
    key_list = sorted(k for k in keys if len(k) >= 2)
    by_length: dict[int, list[str]] = {}
    for key in key_list:
        by_length.setdefault(len(key), []).append(key)
    return Vocabulary(version=version, loaded_at=time.monotonic(), counts=counts, words=words,
                      keys=keys, key_list=key_list, keys_by_length=by_length, stores=tuple(stores),
                      by_stem={k: tuple(v) for k, v in by_stem.items()},
                      store_words=sorted(by_word), stores_by_word={w: frozenset(i) for w, i in by_word.items()})


_lock = threading.Lock()
_cached: dict[str, Vocabulary] = {}


def current() -> Vocabulary:
    """The vocabulary of the database this request uses, rebuilt when it changed; read once
    per request (or per application context outside requests)."""
    if "search_vocabulary" in g:
        return g.search_vocabulary
    connection = db.session.connection()
    version = connection.execute(_VERSION).scalar()
    cache_key = str(connection.engine.url)
    vocabulary = _cached.get(cache_key)
    if (vocabulary is None or vocabulary.version != version
            or time.monotonic() - vocabulary.loaded_at > VOCABULARY_MAX_AGE):
        vocabulary = _build(version)
        with _lock:
            _cached[cache_key] = vocabulary
    if has_request_context():
        g.search_vocabulary = vocabulary
    return vocabulary


def correct_terms(terms: tuple[str, ...]) -> tuple[str, ...] | None:
    """The terms with each unknown word corrected, or None when nothing needed correcting."""
    vocabulary = current()
    corrected = tuple(vocabulary.correct(term) or term for term in terms)
    return corrected if corrected != terms else None


# --- Stores and places --------------------------------------------------------------------

def matching_stores(terms: tuple[str, ...], limit: int = 4) -> list[StoreEntry]:
    """Verified stores whose name holds every term (as a prefix, a variant or a correction)."""
    if not terms:
        return []
    vocabulary = current()

    def having_all(words) -> set[int]:
        found = vocabulary.stores_with(words[0])
        for word in words[1:]:
            if not found:
                break
            found &= vocabulary.stores_with(word)
        return found

    indexes = having_all(terms)
    if not indexes:
        fixed = tuple(vocabulary.correct(t) or t for t in terms)
        indexes = having_all(fixed) if fixed != terms else set()
    found = [vocabulary.stores[i] for i in indexes]
    # The store whose name is the query itself first, then the shorter names.
    found.sort(key=lambda s: (len(s.words), s.name))
    return found[:limit]


_PLACE_WORDS = {"kec", "kecamatan", "kel", "kelurahan", "desa", "di", "daerah", "wilayah", "dari"}


def _place_index() -> dict[str, Place]:
    global _PLACES
    if _PLACES is None:
        index: dict[str, Place] = {}
        for kecamatan, kelurahan in regions().items():
            for name in kelurahan:
                index.setdefault(" ".join(normalise(w) for w in search_terms(name)),
                                 Place("kelurahan", name, kecamatan))
        for kecamatan in regions():  # a kecamatan wins over a kelurahan of the same name
            index[" ".join(normalise(w) for w in search_terms(kecamatan))] = Place(
                "kecamatan", kecamatan, kecamatan)
        _PLACES = index
    return _PLACES


_PLACES: dict[str, Place] | None = None


def place_named(q: str, fuzzy: bool = True) -> Place | None:
    """The kecamatan or kelurahan that the whole query names ("sukun", "kec. sukun",
    "di blimbing"; with `fuzzy`, also "klojn" with one typo), or None."""
    terms = [t for t in search_terms(q) if t not in _PLACE_WORDS]
    if not terms:
        return None
    wanted = " ".join(normalise(t) for t in terms)
    index = _place_index()
    if wanted in index:
        return index[wanted]
    limit = max_edits(wanted.replace(" ", "")) if fuzzy else 0
    if not limit:
        return None
    found = process.extractOne(wanted, list(index), scorer=OSA.distance, score_cutoff=limit)
    return index[found[0]] if found else None
