"""services.qris: the EMVCo/QRIS parser and builder, checked against real-format payloads and an
independent CRC (crcmod's crc-ccitt-false), every refusal, and image round trips."""
import io

import crcmod.predefined
import pytest
import zxingcpp
from PIL import Image

from malpro.services import qris
from tests.qris_helpers import NMID, qr_png, static_payload

crc_ccitt_false = crcmod.predefined.mkCrcFun("crc-ccitt-false")


def independent_crc_ok(payload: str) -> bool:
    return f"{crc_ccitt_false(payload[:-4].encode()):04X}" == payload[-4:]


# A static QRIS as printed by a real issuer (published sample format, CRC computed independently).
REAL_FORMAT = ("00020101021126570011ID.DANA.WWW011893600915302259148102090225914810303UMI51440014ID.CO.QRIS.WWW"
               "0215ID10200222003930303UMI5204594553033605802ID5912Toko Sumber 6006Malang61056511163")


def real_format_payload() -> str:
    body = REAL_FORMAT + "04"
    return body + f"{crc_ccitt_false(body.encode()):04X}"


def test_crc_matches_the_independent_implementation():
    for data in ("123456789", "000201010211", static_payload()[:-4]):
        assert qris.crc16(data) == f"{crc_ccitt_false(data.encode()):04X}"
    assert qris.crc16("123456789") == "29B1"  # the CRC-16/CCITT-FALSE check value


def test_parses_a_real_format_static_qris():
    payload = real_format_payload()
    parsed = qris.parse_static(payload)
    assert (parsed.merchant_name, parsed.nmid, parsed.city) == ("Toko Sumber", "ID1020022200393", "Malang")


def test_parses_the_test_builder_payload():
    payload = static_payload()
    assert independent_crc_ok(payload)
    parsed = qris.parse_static(payload)
    assert (parsed.merchant_name, parsed.nmid, parsed.city, parsed.payload) == ("WARUNG BU SRI", NMID, "MALANG",
                                                                               payload)


def _tampered_crc(payload: str) -> str:
    return payload[:-4] + ("0000" if payload[-4:] != "0000" else "FFFF")


@pytest.mark.parametrize("payload, reason", [
    ("", "Tempel teks QRIS"),
    ("https://example.com/bayar", "QR ini bukan QRIS"),
    ("000201010211zz", "QR ini bukan QRIS"),
    (_tampered_crc(static_payload()), "CRC"),
    (static_payload(t00="02"), "QR ini bukan QRIS"),
    (static_payload(t01="12"), "QRIS ini sudah berisi nominal (QRIS dinamis)"),
    (static_payload(t54="15000"), "QRIS ini sudah berisi nominal (QRIS dinamis)"),
    (static_payload(t01="13"), "QR ini bukan QRIS"),
    (static_payload(drop=("51",)), "QR ini bukan QRIS"),
    (static_payload(nmid=""), "NMID"),
    (static_payload(t53="840"), "Rupiah"),
    (static_payload(t58="MY"), "Indonesia"),
    (static_payload(drop=("59",)), "nama merchant"),
    (static_payload(drop=("60",)), "kota merchant"),
    (static_payload()[:-4], "QR ini bukan QRIS"),  # no CRC at all
])
def test_every_refusal_says_which_check_failed(app, payload, reason):
    with app.test_request_context():
        with pytest.raises(qris.QrisError) as caught:
            qris.parse_static(payload)
    assert reason in str(caught.value)


def test_dynamic_payload_has_amount_bill_number_and_a_right_crc():
    static = static_payload()
    dynamic = qris.make_dynamic(static, 56000, "MLP-20261205-000042")
    assert independent_crc_ok(dynamic)
    tags = dict(qris.parse_tlv(dynamic))
    assert tags["01"] == "12"
    assert tags["54"] == "56000"
    additional = dict(qris.parse_tlv(tags["62"]))
    assert additional["01"] == "MLP-20261205-000042"
    assert additional["07"] == "A01"  # the store's own additional data is kept
    # Everything else of the store's QRIS is unchanged, in tag order, CRC last.
    static_tags = dict(qris.parse_tlv(static))
    for tag in ("00", "26", "51", "52", "53", "58", "59", "60", "61"):
        assert tags[tag] == static_tags[tag]
    order = [tag for tag, _value in qris.parse_tlv(dynamic)]
    assert order[-1] == "63" and order[:-1] == sorted(order[:-1], key=int)
    assert qris.amount_of(dynamic) == 56000


def test_dynamic_payload_drops_a_tip_prompt_and_an_old_bill_number():
    static = static_payload(t55="01", t62="0105OLD010703A01")
    tags = dict(qris.parse_tlv(qris.make_dynamic(static, 1000, "MLP-1")))
    assert "55" not in tags
    assert dict(qris.parse_tlv(tags["62"]))["01"] == "MLP-1"


def test_segno_png_of_a_static_qris_decodes_back_with_zxing():
    payload = static_payload()
    assert qris.read_image(qr_png(payload)) == payload
    # The same through a JPEG photo-like copy, scaled up.
    image = Image.open(io.BytesIO(qr_png(payload))).convert("RGB").resize((900, 900))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    assert qris.read_image(out.getvalue()) == payload


def test_render_png_decodes_to_the_dynamic_payload():
    dynamic = qris.make_dynamic(static_payload(), 123456, "MLP-20261205-000001")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qris.render_png(dynamic))))[0].text
    assert decoded == dynamic and independent_crc_ok(decoded)


def test_an_image_without_a_qr_code_is_unreadable(app):
    out = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(out, "PNG")
    with app.test_request_context():
        with pytest.raises(qris.QrisError, match="Gambar tidak terbaca, foto ulang lebih dekat dan terang"):
            qris.read_image(out.getvalue())
        with pytest.raises(qris.QrisError, match="JPEG, PNG, atau WebP"):
            qris.read_image(b"%PDF-1.4 not an image")
