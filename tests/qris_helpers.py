"""Real-format QRIS payloads for tests: a static merchant QRIS like the ones Indonesian banks
and e-wallets print (an issuer template in tag 26, the national QRIS template in tag 51)."""
import io

import segno

from malpro.services.qris import build_tlv, with_crc

NMID = "ID1020021181745"


def static_payload(name="WARUNG BU SRI", city="MALANG", nmid=NMID, drop=(), **tags) -> str:
    """A static QRIS; `tags` overrides top-level tags ("t01": "12", ...), `drop` removes some."""
    fields = {
        "00": "01",
        "01": "11",
        "26": build_tlv([("00", "COM.GO-JEK.WWW"), ("01", "936009143701234567"), ("02", "G123456789"),
                         ("03", "UMI")]),
        "51": build_tlv([("00", "ID.CO.QRIS.WWW"), ("02", nmid), ("03", "UMI")]),
        "52": "5812",
        "53": "360",
        "58": "ID",
        "59": name,
        "60": city,
        "61": "65119",
        "62": build_tlv([("07", "A01")]),
    }
    for key, value in tags.items():
        fields[key.lstrip("t")] = value
    for tag in drop:
        fields.pop(tag, None)
    return with_crc(build_tlv(sorted(fields.items())))


def qr_png(payload: str) -> bytes:
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=6, border=4)
    return out.getvalue()
