"""Field rules of DOMAIN.md."""
import pytest

from malpro.services.validation import normalize_nib, normalize_nip, normalize_phone, validate_location


@pytest.fixture(autouse=True)
def _ctx(app):
    yield


@pytest.mark.parametrize("raw,expected", [
    ("1234567890123", "1234567890123"), ("1234 5678 90123", "1234567890123"),
])
def test_nib_ok(raw, expected):
    assert normalize_nib(raw) == expected


@pytest.mark.parametrize("raw", ["123456789012", "12345678901234", "12345678901a3", "", "1234-5678-90123"])
def test_nib_bad(raw):
    with pytest.raises(ValueError, match="13 digit"):
        normalize_nib(raw)


@pytest.mark.parametrize("raw", ["081234567890", "6281234567890", "+62 812-3456-7890", "0812 3456 7890"])
def test_phone_ok(raw):
    assert normalize_phone(raw) == "6281234567890"


def test_phone_length_bounds():
    assert normalize_phone("0812345678") == "62812345678"  # 10 digits
    assert normalize_phone("0812345678901") == "62812345678901"  # 13 digits
    for bad in ("081234567", "08123456789012", "0211234567", "12345", "+6521234567890", ""):
        with pytest.raises(ValueError):
            normalize_phone(bad)


def test_location_pairs():
    assert validate_location("Sukun", "Bandulan") == ("Sukun", "Bandulan")
    with pytest.raises(ValueError):
        validate_location("Sukun", "Kauman")  # Kauman is in Klojen
    with pytest.raises(ValueError):
        validate_location("Batu", "Sisir")  # outside Kota Malang


def test_nip_ok():
    assert normalize_nip("198503122010011002") == "198503122010011002"


@pytest.mark.parametrize("nip,message", [
    ("19850312201001100", "18 digit"),
    ("198502302010011002", "tanggal lahir"),  # 30 February
    ("198503122010131002", "pengangkatan"),  # month 13
    ("198503121984011002", "tidak boleh sebelum"),  # appointed before birth
    ("198503122010013002", "jenis kelamin"),  # gender digit 3
])
def test_nip_bad(nip, message):
    with pytest.raises(ValueError, match=message):
        normalize_nip(nip)
