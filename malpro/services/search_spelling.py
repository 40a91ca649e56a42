"""Spelling that forgives: rule-based normalisation and the curated variant list.

Indonesian product names are written many ways. Two mechanisms, both applied to a buyer's
words before they reach the index (services.search):

- `normalise(word)`: rules that need no list. Old spellings (oe -> u, dj -> j, tj -> c, sj -> sy,
  ch -> c), letters typed twice ("kopii", "tempee"), ck -> k, ph -> f, and number words as
  digits ("dua" -> "2"). Used on both sides: a word and its normal form find each other.
- `variants(word)`: the normal form plus the word's group in `malpro/data/search_variants.json`
  (keripik/kripik, sambal/sambel, cokelat/coklat, ...), in both directions.

Words here are already folded (services.search.fold: lower case, no diacritics).
"""
from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

VARIANTS_FILE = Path(__file__).resolve().parent.parent / "data" / "search_variants.json"
# A query word brings at most this many spellings to the index (itself included).
MAX_VARIANTS = 6

_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ch", "c"), ("ck", "k"),
                 ("ph", "f"), ("q", "k"))
_REPEATED = re.compile(r"([a-z])\1+")
NUMBER_WORDS = {
    "nol": "0", "satu": "1", "dua": "2", "tiga": "3", "empat": "4", "lima": "5", "enam": "6",
    "tujuh": "7", "delapan": "8", "sembilan": "9", "sepuluh": "10", "sebelas": "11",
    "seratus": "100", "seribu": "1000",
}


@lru_cache(maxsize=4096)
def normalise(word: str) -> str:
    """The spelling-independent form of a folded word ("Djamoe" -> "jamu", "kopii" -> "kopi")."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    for old, new in _OLD_SPELLING:
        word = word.replace(old, new)
    return _REPEATED.sub(r"\1", word)


@cache
def _groups() -> dict[str, tuple[str, ...]]:
    """{normal form of a listed spelling: its whole group}."""
    data = json.loads(VARIANTS_FILE.read_text(encoding="utf-8"))
    by_key: dict[str, tuple[str, ...]] = {}
    for group in data["groups"]:
        words = tuple(dict.fromkeys(w.strip().lower() for w in group if w.strip()))
        for word in words:
            by_key.setdefault(normalise(word), words)
    return by_key


@lru_cache(maxsize=4096)
def variants(word: str) -> tuple[str, ...]:
    """`word` first, then its normal form and its listed variants (at most MAX_VARIANTS)."""
    key = normalise(word)
    found = [word, key, *_groups().get(key, ())]
    if key.isdigit():
        found += [name for name, digits in NUMBER_WORDS.items() if digits == key]
    return tuple(dict.fromkeys(w for w in found if w))[:MAX_VARIANTS]


def has_variants(word: str) -> bool:
    return len(variants(word)) > 1
