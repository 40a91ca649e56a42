"""The search recall set: queries as buyers type them, and what each must find in the top 10
of the seeded demo catalogue (`flask seed-demo`, 40 stores and 400 products).

`.venv/bin/python -m bench.search_recall` seeds a throwaway SQLite database (or uses
DATABASE_URL), runs every query through the search the shop uses and prints recall@10 and
precision@10 per kind of query; `--before` runs the plain full-text listing of before issue 14
(typed words as prefixes, nothing else) on the same data. tests/services/test_search_recall.py
runs the same set on SQLite and PostgreSQL and fails on any miss.

Each entry: (query, kind, what counts as relevant). Relevant is one of
  ("name", "w1 w2")       every word in the product's name (folded, as the demo spells it)
  ("store", "Store Name") the product is sold by that store
  ("kecamatan", "Sukun") / ("kelurahan", "Pisang Candi")  the product's store is there
A query passes (recall@10) when its top 10 holds at least one relevant product; precision@10 is
the share of relevant products among the top 10 shown.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import defaultdict

RECALL_SET: tuple[tuple[str, str, tuple[str, str]], ...] = (
    # Typed right: must not get worse
    ("keripik tempe", "exact", ("name", "keripik tempe")),
    ("kopi dampit", "exact", ("name", "kopi dampit")),
    ("sambal", "exact", ("name", "sambal")),
    ("bakpia", "exact", ("name", "bakpia")),
    ("topeng malangan", "exact", ("name", "topeng malangan")),
    ("hijab", "exact", ("name", "hijab")),
    ("wajan", "exact", ("name", "wajan")),
    ("batik", "exact", ("name", "batik")),
    ("kerip", "exact", ("name", "keripik")),
    # Typos (one edit in a word of 4-7 letters, two in longer ones), missing or doubled letters
    ("keripk tempe", "typo", ("name", "keripik tempe")),
    ("keripik tmpe", "typo", ("name", "keripik tempe")),
    ("keirpik apel", "typo", ("name", "keripik apel")),
    ("smbal bawang", "typo", ("name", "sambal bawang")),
    ("kopi dampitt", "typo", ("name", "kopi dampit")),
    ("kopi dampt", "typo", ("name", "kopi dampit")),
    ("jenang durain", "typo", ("name", "jenang durian")),
    ("nasi kotk", "typo", ("name", "nasi kotak")),
    ("kemeja batik malangn", "typo", ("name", "kemeja batik malangan")),
    ("gamiss toyobo", "typo", ("name", "gamis toyobo")),
    ("tas rajt", "typo", ("name", "tas rajut")),
    ("wajan besii", "typo", ("name", "wajan besi")),
    ("cobek batuu", "typo", ("name", "cobek batu")),
    ("topeng malngan", "typo", ("name", "topeng malangan")),
    ("wayang kulitt", "typo", ("name", "wayang kulit")),
    ("lukisn kaca", "typo", ("name", "lukisan kaca")),
    ("kursi rottan", "typo", ("name", "kursi rotan")),
    ("sapu ijok", "typo", ("name", "sapu ijuk")),
    ("jasa jait kebaya", "typo", ("name", "jasa jahit kebaya")),
    ("undangan cetakk", "typo", ("name", "undangan cetak")),
    ("sendal kulit", "typo", ("name", "sandal kulit")),
    ("madu kelengekng", "typo", ("name", "madu kelengkeng")),
    ("celana cino", "typo", ("name", "celana chino")),
    # Spelling variants, both directions, and old spellings
    ("kripik tempe", "variant", ("name", "keripik tempe")),
    ("kripick tempe", "variant", ("name", "keripik tempe")),
    ("sambel bawang", "variant", ("name", "sambal bawang")),
    ("bakpiya", "variant", ("name", "bakpia")),
    ("bakpia coklat", "variant", ("name", "bakpia cokelat")),
    ("strudle apel", "variant", ("name", "strudel apel")),
    ("madu klengkeng", "variant", ("name", "madu kelengkeng")),
    ("teh rosella", "variant", ("name", "teh rosela")),
    ("krupuk samiler", "variant", ("name", "kerupuk samiler")),
    ("kaus oleh oleh malang", "variant", ("name", "kaos oleh malang")),
    ("peci hitam", "variant", ("name", "songkok hitam")),
    ("sarong tenun", "variant", ("name", "sarung tenun")),
    ("jilbab segi empat", "variant", ("name", "hijab segi empat")),
    ("blus batik", "variant", ("name", "blouse batik")),
    ("mukenah bordir", "variant", ("name", "mukena bordir")),
    ("kebaja kutubaru", "variant", ("name", "kebaya kutubaru")),
    ("grabah hias", "variant", ("name", "gerabah hias")),
    ("seprai batik", "variant", ("name", "sprei batik")),
    ("gordyn jendela", "variant", ("name", "gorden jendela")),
    ("pisau stenlis", "variant", ("name", "pisau stainless")),
    ("service ac", "variant", ("name", "servis ac")),
    ("laundri kiloan", "variant", ("name", "laundry kiloan")),
    ("katering prasmanan", "variant", ("name", "catering prasmanan")),
    ("suvenir pernikahan", "variant", ("name", "souvenir pernikahan")),
    # Affixes (Indonesian stems, PySastrawi): the buyer's form of the word is not the name's
    ("nikah souvenir", "affix", ("name", "souvenir pernikahan")),
    ("lukis kaca", "affix", ("name", "lukisan kaca")),
    ("gantung kunci", "affix", ("name", "gantungan kunci")),
    ("tas rajutan", "affix", ("name", "tas rajut")),
    ("sarung tenunan", "affix", ("name", "sarung tenun")),
    ("jahitan kebaya", "affix", ("name", "jahit kebaya")),
    # Store names
    ("keripik tempe bu sri", "store", ("store", "Keripik Tempe Bu Sri")),
    ("kripik tempe bu sri", "store", ("store", "Keripik Tempe Bu Sri")),
    ("keripk tempe bu sri", "store", ("store", "Keripik Tempe Bu Sri")),
    # Places: kecamatan and kelurahan
    ("sukun", "place", ("kecamatan", "Sukun")),
    ("kec. sukun", "place", ("kecamatan", "Sukun")),
    ("lowokwaru", "place", ("kecamatan", "Lowokwaru")),
    ("kedung kandang", "place", ("kecamatan", "Kedungkandang")),
    ("klojen", "place", ("kecamatan", "Klojen")),
    ("pisang candi", "place", ("kelurahan", "Pisang Candi")),
)

TOP = 10


def _relevant(rule: tuple[str, str], card, kelurahan_of: dict[int, str]) -> bool:
    from malpro.services.search import search_terms

    kind, value = rule
    if kind == "name":
        words = search_terms(card.name)
        return all(any(w == v or w.startswith(v) for w in words) for v in search_terms(value))
    if kind == "store":
        return card.store_name == value
    if kind == "kecamatan":
        return card.store_kecamatan == value
    return kelurahan_of.get(card.store_id) == value


def run_query(q: str, before: bool = False) -> list:
    """The top 10 the shop shows for `q` (before: the plain prefix search of before issue 14)."""
    from malpro.services.catalog import ListingQuery, listing

    query = ListingQuery(q=q, per_page=TOP)
    if before:
        return listing(query).items
    from malpro.services import search_results

    return search_results.search(query).listing.items


def evaluate(before: bool = False) -> dict:
    """{"misses": [...], "by_kind": {kind: (passed, total, precision_sum)}, ...} for the set,
    in the current app context."""
    from sqlalchemy import select

    from malpro.extensions import db
    from malpro.models import Store

    kelurahan_of = dict(db.session.execute(select(Store.id, Store.kelurahan)).all())
    by_kind: dict[str, list] = defaultdict(lambda: [0, 0, 0.0])
    misses = []
    for q, kind, rule in RECALL_SET:
        items = run_query(q, before)
        relevant = [item for item in items if _relevant(rule, item, kelurahan_of)]
        stats = by_kind[kind]
        stats[1] += 1
        if relevant:
            stats[0] += 1
        else:
            misses.append((q, [item.name for item in items[:3]]))
        stats[2] += len(relevant) / len(items) if items else 0.0
    total = [sum(s[i] for s in by_kind.values()) for i in range(3)]
    return {"misses": misses, "by_kind": {k: tuple(v) for k, v in by_kind.items()},
            "recall": total[0] / total[1], "precision": total[2] / total[1], "queries": total[1]}


def _report(result: dict, label: str) -> None:
    print(f"{label}: recall@10 {result['recall']:.0%}, precision@10 {result['precision']:.0%} "
          f"over {result['queries']} queries")
    for kind, (passed, total, precision) in sorted(result["by_kind"].items()):
        print(f"  {kind:8} recall@10 {passed}/{total}  precision@10 {precision / total:.0%}")
    for q, top in result["misses"]:
        print(f"  miss: {q!r} -> {top}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="the plain search of before issue 14")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    from flask_migrate import upgrade

    from malpro import create_app
    from malpro.seed import seed_demo

    with tempfile.TemporaryDirectory() as workdir:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/recall.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "recall", "TESTING": True,
                          "INSTANCE_PATH": f"{workdir}/instance", "UPLOAD_DIR": f"{workdir}/uploads",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade(directory=os.path.join(os.getcwd(), "migrations"))
            seed_demo(log=lambda message: None)
            _report(evaluate(before=args.before), "before (plain prefix search)" if args.before else "after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
