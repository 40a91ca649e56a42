"""QRIS: the EMVCo merchant-presented QR payload every Indonesian bank and e-wallet reads.

A payload is a run of TLV fields (two-digit tag, two-digit length, value), the last being the
CRC (tag 63, CRC-16/CCITT-FALSE over everything up to and including `6304`). A store gives
its **static** QRIS (tag 01 = 11, no amount); an order's QRIS is that payload made
**dynamic**: tag 01 = 12, tag 54 = the order total in whole rupiah, the order code as bill
number (sub-tag 01) in the additional data template (tag 62), and the CRC recomputed.

`parse_static` accepts a payload only when every check of the QRIS issue holds, and otherwise
raises QrisError with the reason in plain words; `read_image` decodes a photo or screenshot
with zxing-cpp; `render_svg`/`render_png` draw a payload with segno.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import segno
import zxingcpp
from flask_babel import gettext as _
from PIL import Image, ImageOps

QRIS_GUID = "ID.CO.QRIS.WWW"
MERCHANT_ACCOUNT_TAGS = range(26, 52)  # 26-51: merchant account information templates
TIP_TAGS = ("55", "56", "57")  # tip or convenience fee: never in an order's exact amount
MAX_PAYLOAD = 512
MAX_IMAGE_PIXELS = 40_000_000


class QrisError(ValueError):
    """A payload or image that is not an acceptable static QRIS; str() is the reason."""


@dataclass(frozen=True)
class StaticQris:
    payload: str
    merchant_name: str
    nmid: str
    city: str


# --- CRC and TLV ----------------------------------------------------------------------------

def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR) as
    four upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def parse_tlv(data: str) -> list[tuple[str, str]]:
    """The (tag, value) pairs of a TLV string, in order; QrisError when it is not one."""
    fields, i = [], 0
    while i < len(data):
        tag, length = data[i:i + 2], data[i + 2:i + 4]
        if len(tag) < 2 or not tag.isdigit() or len(length) < 2 or not length.isdigit():
            raise QrisError(_("QR ini bukan QRIS."))
        end = i + 4 + int(length)
        if end > len(data):
            raise QrisError(_("QR ini bukan QRIS."))
        fields.append((tag, data[i + 4:end]))
        i = end
    return fields


def build_tlv(fields: list[tuple[str, str]]) -> str:
    out = []
    for tag, value in fields:
        if len(value) > 99:
            raise QrisError(_("Isian QRIS terlalu panjang."))
        out.append(f"{tag}{len(value):02d}{value}")
    return "".join(out)


def with_crc(body_without_crc: str) -> str:
    """`body` + `6304` + its CRC."""
    data = body_without_crc + "6304"
    return data + crc16(data)


# --- the static QRIS a store gives ------------------------------------------------------------

def parse_static(payload: str) -> StaticQris:
    """A store's static QRIS, checked (the QRIS issue lists every check). QrisError says which
    check failed, in words a seller understands."""
    payload = (payload or "").strip()
    if not payload:
        raise QrisError(_("Tempel teks QRIS atau unggah gambarnya."))
    if len(payload) > MAX_PAYLOAD or not payload.isascii() or not payload.startswith("0002"):
        raise QrisError(_("QR ini bukan QRIS."))
    fields = parse_tlv(payload)
    tags = dict(fields)
    if not fields or fields[-1][0] != "63" or len(fields[-1][1]) != 4:
        raise QrisError(_("QR ini bukan QRIS."))
    if crc16(payload[:-4]) != payload[-4:].upper():
        raise QrisError(_("Kode QRIS rusak (CRC tidak cocok). Unggah ulang gambar aslinya."))
    if tags.get("00") != "01":
        raise QrisError(_("QR ini bukan QRIS."))
    if tags.get("01") == "12" or "54" in tags:
        raise QrisError(_("QRIS ini sudah berisi nominal (QRIS dinamis). Gunakan QRIS statis toko Anda "
                          "(stiker QRIS dari bank atau dompet digital)."))
    if tags.get("01") != "11":
        raise QrisError(_("QR ini bukan QRIS."))
    nmid = _nmid(fields)
    if tags.get("53") != "360":
        raise QrisError(_("QRIS ini bukan untuk pembayaran dalam Rupiah."))
    if tags.get("58") != "ID":
        raise QrisError(_("QRIS ini bukan dari Indonesia."))
    name, city = (tags.get("59") or "").strip(), (tags.get("60") or "").strip()
    if not name:
        raise QrisError(_("QRIS ini tidak memuat nama merchant."))
    if not city:
        raise QrisError(_("QRIS ini tidak memuat kota merchant."))
    return StaticQris(payload=payload, merchant_name=name, nmid=nmid, city=city)


def _nmid(fields: list[tuple[str, str]]) -> str:
    """The NMID from the merchant account template that carries the national QRIS identifier."""
    for tag, value in fields:
        if int(tag) in MERCHANT_ACCOUNT_TAGS:
            try:
                sub = dict(parse_tlv(value))
            except QrisError:
                continue
            if (sub.get("00") or "").upper() == QRIS_GUID:
                nmid = (sub.get("02") or "").strip()
                if not nmid:
                    raise QrisError(_("QRIS ini tidak memuat NMID merchant."))
                return nmid
    raise QrisError(_("QR ini bukan QRIS."))


# --- an order's dynamic QRIS ------------------------------------------------------------------

def make_dynamic(static_payload: str, amount: int, bill_number: str) -> str:
    """The store's static payload with the order's exact amount (tag 54) and code (bill number,
    tag 62 sub-tag 01), marked dynamic (tag 01 = 12), with a new CRC."""
    if not isinstance(amount, int) or amount < 1:
        raise ValueError("amount must be a positive whole number of rupiah")
    fields = [(tag, value) for tag, value in parse_tlv(static_payload)
              if tag not in ("63", "54", *TIP_TAGS)]
    values = dict(fields)
    values["01"] = "12"
    values["54"] = str(amount)
    extra = [(t, v) for t, v in parse_tlv(values.get("62", "")) if t != "01"] if "62" in values else []
    values["62"] = build_tlv(sorted([("01", bill_number), *extra]))
    ordered = sorted(values.items(), key=lambda item: int(item[0]))
    return with_crc(build_tlv(ordered))


def amount_of(payload: str) -> int | None:
    value = dict(parse_tlv(payload)).get("54")
    return int(value) if value and value.isdigit() else None


# --- images -----------------------------------------------------------------------------------

def read_image(data: bytes) -> str:
    """The text of the QR code in a photo or screenshot (zxing-cpp), or QrisError."""
    unreadable = QrisError(_("Gambar tidak terbaca, foto ulang lebih dekat dan terang."))
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG", "PNG", "WEBP")) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise unreadable
            image = ImageOps.exif_transpose(probe).convert("L")
    except QrisError:
        raise
    except Exception:
        raise QrisError(_("Berkas harus berupa gambar JPEG, PNG, atau WebP.")) from None
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    if not results:
        raise unreadable
    return results[0].text


def render_svg(payload: str, scale: int = 4) -> str:
    """The payload as an inline SVG QR code (no JavaScript)."""
    return segno.make(payload, error="m", micro=False).svg_inline(scale=scale, title="QRIS", svgclass="qris-svg", omitsize=True)


def render_png(payload: str, scale: int = 10) -> bytes:
    """The payload as a PNG a phone can save and open in a banking or e-wallet app."""
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
