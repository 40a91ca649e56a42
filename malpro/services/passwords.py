"""What a password must be (DOMAIN.md "Accounts"): 8 to 128 characters, not a common password,
not containing the name part of the account's email.

The common passwords are the 30,000 most frequent ones of zxcvbn's list (Dropbox's password
strength estimator, MIT licence; the list comes from leaked password corpora), read from the
pinned `zxcvbn` package. Importing zxcvbn would build all its dictionaries (about 16 MB in every
worker), so only the password line of its word-list module is read, on first use, and only the
words that pass the length rule are kept."""
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 128
# A name part this short ("a@...", "ab@...") is in too many passwords to mean anything.
NAME_PART_MIN = 3
NAME_PIECE_MIN = 4


_LIST_LINE = '    "passwords": "'


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    package = importlib.util.find_spec("zxcvbn").submodule_search_locations[0]
    with open(Path(package) / "frequency_lists.py", encoding="utf-8") as source:
        line = next(line for line in source if line.startswith(_LIST_LINE))
    words = line[len(_LIST_LINE):line.rindex('".split(')].split(",")
    return frozenset(w for w in words if MIN_LENGTH <= len(w) <= MAX_LENGTH)


def _name_parts(email: str | None) -> list[str]:
    local = (email or "").strip().lower().partition("@")[0].partition("+")[0]
    parts = [local] if len(local) >= NAME_PART_MIN else []
    pieces = [p for p in re.split(r"[^a-z0-9]+", local) if len(p) >= NAME_PIECE_MIN]
    return parts + [p for p in pieces if p != local]


def password_problem(password: str | None, email: str | None = None) -> str | None:
    """Why `password` may not be used for the account with `email`, or None when it may.
    Checked before anything hashes it, so an over-long password costs nothing."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Kata sandi minimal %(n)d karakter.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Kata sandi paling banyak %(n)d karakter.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        return _("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain, misalnya gabungan beberapa kata.")
    if any(part in lowered for part in _name_parts(email)):
        return _("Kata sandi tidak boleh memuat nama pada alamat email Anda.")
    return None
