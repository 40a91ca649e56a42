"""The image pipeline: only real JPEG/PNG/WebP images get in, and only as fresh WebP files."""
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from malpro.services.errors import ValidationError
from malpro.services.images import delete_image_files, save_image


def upload(data: bytes, filename="foto.jpg", content_type="image/jpeg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def image_bytes(fmt="PNG", size=(600, 400), color=(200, 30, 30), mode="RGB", **save_args) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save_args)
    return buffer.getvalue()


def exif_with(orientation=1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x0131] = "EditorRahasia"  # Software
    return exif


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def opened(app, relative: str) -> Image.Image:
    image = Image.open(Path(app.config["UPLOAD_DIR"]) / relative)
    image.load()
    return image


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        save_image(upload(data, **kwargs), "products")
    return caught.value.fields["image"]


def test_png_with_exif_comes_out_as_webp_without_metadata_in_both_sizes(app):
    data = image_bytes("PNG", size=(1600, 900), exif=exif_with())
    assert b"KameraRahasia" in data

    thumb_path, large_path = save_image(upload(data, "foto.png", "image/png"), "products")

    thumb, large = opened(app, thumb_path), opened(app, large_path)
    assert thumb.format == large.format == "WEBP"
    assert thumb.size == (400, 400)
    assert large.size == (1200, 675)  # aspect ratio kept
    for image, path in ((thumb, thumb_path), (large, large_path)):
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info and "xmp" not in image.info
        raw = (Path(app.config["UPLOAD_DIR"]) / path).read_bytes()
        assert b"KameraRahasia" not in raw and b"EditorRahasia" not in raw and b"EXIF" not in raw


def test_jpeg_exif_orientation_is_applied_before_the_metadata_goes(app):
    # Stored landscape, but the camera says "rotate 90° clockwise to view".
    data = image_bytes("JPEG", size=(800, 400), exif=exif_with(orientation=6).tobytes())
    _, large_path = save_image(upload(data), "products")
    large = opened(app, large_path)
    assert large.size == (400, 800)
    assert not large.getexif()


def test_small_images_are_not_enlarged_and_webp_input_is_accepted(app):
    data = image_bytes("WEBP", size=(300, 200))
    thumb_path, large_path = save_image(upload(data, "kecil.webp", "image/webp"), "products", thumb_size=100)
    assert opened(app, large_path).size == (300, 200)
    assert opened(app, thumb_path).size == (100, 100)


def test_transparency_is_flattened_on_white(app):
    data = image_bytes("PNG", size=(50, 50), color=(255, 0, 0, 0), mode="RGBA")
    _, large_path = save_image(upload(data, "logo.png", "image/png"), "logos")
    large = opened(app, large_path).convert("RGB")
    assert large.mode == "RGB"
    r, g, b = large.getpixel((25, 25))
    assert min(r, g, b) > 245


def test_files_land_in_the_folder_under_random_names(app):
    data = image_bytes("PNG")
    first = save_image(upload(data, "keripik.png", "image/png"), "products")
    second = save_image(upload(data, "keripik.png", "image/png"), "products")
    logo = save_image(upload(data, "keripik.png", "image/png"), "logos")
    root = Path(app.config["UPLOAD_DIR"])
    for thumb, large in (first, second):
        assert thumb.startswith("products/") and thumb.endswith("_t.webp")
        assert large.startswith("products/") and large.endswith("_l.webp")
        assert (root / thumb).is_file() and (root / large).is_file()
        assert "keripik" not in thumb
    assert logo[0].startswith("logos/") and (root / logo[0]).is_file()
    assert len({first[0], second[0], first[1], second[1]}) == 4
    assert len(Path(first[0]).stem) >= 32 + 2  # 128 random bits, then _t


def test_text_file_named_jpg_is_refused(app):
    assert refusal(b"bukan gambar, hanya teks biasa\n" * 10, filename="foto.jpg") == \
        "Berkas harus berupa gambar JPEG, PNG, atau WebP."


def test_html_file_named_png_is_refused(app):
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    assert "JPEG, PNG, atau WebP" in refusal(html, filename="foto.png", content_type="image/png")


def test_other_image_formats_are_refused(app):
    assert "JPEG, PNG, atau WebP" in refusal(image_bytes("GIF"), filename="foto.jpg")
    assert "JPEG, PNG, atau WebP" in refusal(image_bytes("BMP"), filename="foto.png")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_image_is_refused(app, fmt):
    noise = Image.effect_noise((400, 400), 80).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, fmt)
    data = buffer.getvalue()
    message = refusal(data[: len(data) // 2])
    if fmt == "WEBP":  # libwebp already refuses to open a cut file
        assert message == "Berkas harus berupa gambar JPEG, PNG, atau WebP."
    else:
        assert message == "Gambar rusak atau tidak lengkap. Coba unggah ulang."


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("size", [(7000, 7000), (50_000, 50_000)])
def test_huge_dimensions_are_refused_before_decoding(app, size):
    message = refusal(png_header_claiming(*size), filename="bom.png")
    assert "megapiksel" in message


def test_files_over_the_byte_limit_are_refused(app):
    app.config["IMAGE_MAX_BYTES"] = 4096
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(buffer, "PNG")
    assert refusal(buffer.getvalue()) == "Ukuran gambar maksimal 4 KB per foto."
    app.config["IMAGE_MAX_BYTES"] = 8 * 1024 * 1024
    assert refusal(b"x" * (8 * 1024 * 1024 + 1)) == "Ukuran gambar maksimal 8 MB per foto."


def test_empty_upload_and_custom_field_name(app):
    with pytest.raises(ValidationError) as caught:
        save_image(upload(b""), "products", field="logo")
    assert caught.value.fields == {"logo": "Pilih gambar untuk diunggah."}


def test_nothing_is_written_for_a_refused_file(app):
    refusal(b"GIF89a not really")
    refusal(png_header_claiming(50_000, 50_000))
    folder = Path(app.config["UPLOAD_DIR"]) / "products"
    assert not folder.exists() or not any(folder.iterdir())


def test_unknown_folder_is_a_programming_error(app):
    with pytest.raises(ValueError):
        save_image(upload(image_bytes()), "documents")


def test_delete_removes_media_files_only(app):
    root = Path(app.config["UPLOAD_DIR"])
    thumb, large = save_image(upload(image_bytes()), "products")
    (root / "documents").mkdir(exist_ok=True)
    document = root / "documents" / "nib.pdf"
    document.write_bytes(b"%PDF-1.4")
    outside = root.parent / "rahasia.txt"
    outside.write_text("x")

    delete_image_files(thumb, None, "", "documents/nib.pdf", "../rahasia.txt", str(outside),
                       "products/../documents/nib.pdf", "products/tidak-ada.webp")
    delete_image_files(large)

    assert not (root / thumb).exists() and not (root / large).exists()
    assert document.exists() and outside.exists()


# --- Issue 15, point 9: decoding cost ------------------------------------------------------

@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_pixel_cap_is_what_phone_photos_need(app):
    """24 MP: a 12 MP or 24 MP phone photo passes, the review's 6320 x 6320 (40 MP) PNG does not."""
    assert "24 megapiksel" in refusal(png_header_claiming(6320, 6320), filename="bom.png")
    assert "megapiksel" in refusal(png_header_claiming(6000, 4001), filename="bom.png")
    thumb, large = save_image(upload(image_bytes("PNG", size=(6000, 4000)), "foto.png", "image/png"), "products")
    assert opened(app, large).size == (1200, 800) and opened(app, thumb).size == (400, 400)


def test_a_big_png_is_reduced_early_and_keeps_its_orientation_and_colour(app):
    data = image_bytes("PNG", size=(5000, 2500), color=(10, 120, 240), exif=exif_with(orientation=6))
    _, large_path = save_image(upload(data, "foto.png", "image/png"), "products")
    large = opened(app, large_path)
    assert large.size == (600, 1200)  # turned upright after the early reduction
    r, g, b = large.convert("RGB").getpixel((300, 600))
    assert abs(r - 10) < 8 and abs(g - 120) < 8 and abs(b - 240) < 8


def test_big_transparent_and_palette_pngs_still_come_out_right(app):
    rgba = image_bytes("PNG", size=(5000, 3000), color=(0, 0, 0, 0), mode="RGBA")
    _, path = save_image(upload(rgba, "foto.png", "image/png"), "products")
    assert opened(app, path).convert("RGB").getpixel((10, 10)) == (255, 255, 255)  # flattened on white
    palette = Image.new("RGB", (5000, 3000), (200, 30, 30)).convert("P")
    buffer = io.BytesIO()
    palette.save(buffer, "PNG")
    _, path = save_image(upload(buffer.getvalue(), "foto.png", "image/png"), "products")
    assert opened(app, path).size == (1200, 720)


def test_webp_has_half_the_cap(app):
    """libwebp's decoder holds about three full copies: 12 MP for WebP (bench/upload_images.py)."""
    assert "12 megapiksel" in refusal(image_bytes("WEBP", size=(4300, 2800), lossless=True), filename="a.webp")
    _, large = save_image(upload(image_bytes("WEBP", size=(4000, 3000)), "a.webp", "image/webp"), "products")
    assert opened(app, large).size == (1200, 900)
