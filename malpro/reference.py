"""Reference data shipped with Malpro (copied from shared/data): kecamatan and kelurahan of
Kota Malang, the 8 categories, the seed list of OPDs."""
import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def _load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def regions() -> dict[str, tuple[str, ...]]:
    """{kecamatan: (kelurahan, ...)} in the file's order."""
    return {k["name"]: tuple(k["kelurahan"]) for k in _load("kota_malang.json")["kecamatan"]}


def kecamatan_names() -> tuple[str, ...]:
    return tuple(regions())


def kelurahan_names(kecamatan: str) -> tuple[str, ...]:
    return regions().get(kecamatan, ())


def is_malang_location(kecamatan: str, kelurahan: str) -> bool:
    return kelurahan in regions().get(kecamatan, ())


@cache
def categories() -> tuple[dict, ...]:
    return tuple(_load("categories.json")["categories"])


@cache
def opds() -> tuple[dict, ...]:
    return tuple(_load("opd_kota_malang.json")["opd"])
