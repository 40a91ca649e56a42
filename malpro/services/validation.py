"""Field rules of DOMAIN.md as pure functions. Each returns the normalised value or raises
ValueError with the message to show on the field; forms and the API both call them."""
import re
from datetime import date

from flask_babel import gettext as _

from malpro.reference import is_malang_location, regions

_SPACES = re.compile(r"[\s.\-]")


def normalize_nib(value: str) -> str:
    """NIB: exactly 13 digits once spaces are removed."""
    digits = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{13}", digits):
        raise ValueError(_("NIB harus 13 digit angka."))
    return digits


def normalize_phone(value: str) -> str:
    """Indonesian mobile number as 08…, 628… or +628…; 10-13 digits in the 08… form.
    Returns the 628… form used for storage and wa.me links."""
    raw = _SPACES.sub("", value or "")
    if raw.startswith("+62"):
        local = "0" + raw[3:]
    elif raw.startswith("62"):
        local = "0" + raw[2:]
    else:
        local = raw
    if not re.fullmatch(r"08\d{8,11}", local):
        raise ValueError(_("Nomor HP harus nomor seluler Indonesia, contoh 081234567890."))
    return "62" + local[1:]


def whatsapp_url(phone_628: str, text: str | None = None) -> str:
    from urllib.parse import quote

    url = f"https://wa.me/{phone_628}"
    return f"{url}?text={quote(text)}" if text else url


def validate_location(kecamatan: str, kelurahan: str) -> tuple[str, str]:
    """Kecamatan and kelurahan must be a pair of Kota Malang."""
    if kecamatan not in regions():
        raise ValueError(_("Pilih kecamatan di Kota Malang."))
    if not is_malang_location(kecamatan, kelurahan):
        raise ValueError(_("Kelurahan tidak berada di Kecamatan %(kecamatan)s.", kecamatan=kecamatan))
    return kecamatan, kelurahan


def normalize_nip(value: str) -> str:
    """NIP: 18 digits; 1-8 a birth date YYYYMMDD, 9-14 an appointment YYYYMM not before
    the birth date, 15 the gender digit (1 or 2)."""
    nip = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{18}", nip):
        raise ValueError(_("NIP harus 18 digit angka."))
    try:
        born = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValueError(_("8 digit pertama NIP harus tanggal lahir yang valid (TTTTBBHH).")) from None
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError(_("Digit 9-14 NIP harus tahun dan bulan pengangkatan yang valid (TTTTBB)."))
    if (year, month) < (born.year, born.month):
        raise ValueError(_("Tahun-bulan pengangkatan pada NIP tidak boleh sebelum tanggal lahir."))
    if nip[14] not in "12":
        raise ValueError(_("Digit ke-15 NIP (jenis kelamin) harus 1 atau 2."))
    return nip


PRICE_MIN, PRICE_MAX = 100, 1_000_000_000


def validate_price(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("Harga harus bilangan bulat rupiah."))
    if not PRICE_MIN <= value <= PRICE_MAX:
        raise ValueError(_("Harga harus antara Rp100 dan Rp1.000.000.000."))
    return value
