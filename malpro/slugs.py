"""URL slugs: 'Keripik Tempe Bu Sri' -> 'keripik-tempe-bu-sri'."""
import re
import unicodedata


def slugify(text: str, max_length: int = 120) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].rstrip("-") or "item"


def unique_slug(slug: str, taken) -> str:
    """`slug`, or `slug-2`, `slug-3`, ... whichever `taken(candidate)` says is free."""
    candidate, n = slug, 1
    while taken(candidate):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate
