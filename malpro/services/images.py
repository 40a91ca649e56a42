"""The one image pipeline: product photos and store logos.

An upload is never stored as sent (DOMAIN.md). Pillow identifies it by its content, checks it,
decodes it, turns it upright, drops every piece of metadata, and writes two fresh WebP files
(a square thumbnail for grids and a large version keeping the aspect ratio) under random names.
"""
import io
import logging
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageCms, ImageOps

from malpro.services.errors import FileTooLargeError, ValidationError

log = logging.getLogger(__name__)

# The public media folders (served by shop.uploaded_file); documents never go through here.
FOLDERS = ("products", "logos")
# Private folders: written by the same pipeline, served only by views that check who asks
# (photos of purchases outside Malpro; payment proofs, to the order's buyer and seller and
# admins: services.payments). Neither shop.uploaded_file nor nginx serves them.
PRIVATE_FOLDERS = ("purchases", "proofs")
# Pillow identifies the format from the bytes; only these decoders are even tried.
FORMATS = ("JPEG", "PNG", "WEBP")
# Phone cameras save 12 MP photos by default (4000 x 3000); 24 MP leaves room for the larger
# modes while a hostile file (a 131 KB PNG can claim 40 MP) costs a worker at most about 100 MB
# and a fraction of a second (bench/upload_images.py, docs/performance.md). A 48-200 MP photo
# is refused with a message that says how to shrink it.
MAX_PIXELS = 24_000_000
# Pillow decodes WebP through libwebp's animation decoder, which holds about three full-size
# copies at once (a 24 MP WebP costs some 365 MB): WebP comes from the web or chat apps, not
# from cameras, so half the cap is plenty.
MAX_PIXELS_BY_FORMAT = {"WEBP": 12_000_000}
WEBP_QUALITY = 80
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
# Product photos also get a medium version (`…_m.webp` beside `…_l.webp`, same shape): a
# phone's gallery slot is 336-390 px wide at 1.75-2 device pixels per px (588-780 pixels), so
# phones load it instead of the large version (templating.image_srcset, `srcset`/`sizes`).
MEDIUM_SIZE = 720

# Pillow warns above this and refuses at twice it; our own check below refuses first.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_SRGB = ImageCms.createProfile("sRGB")


def save_image(file_storage, folder: str, *, thumb_size: int = 400, large_size: int = 1200,
               field: str = "image", medium: bool = False) -> tuple[str, str]:
    """Re-encode an uploaded image; return (thumb_path, large_path) relative to UPLOAD_DIR.
    With `medium`, a MEDIUM_SIZE version is written too, at medium_path(large_path).

    `file_storage` is a werkzeug FileStorage or any binary file object. Anything that is not
    a sound JPEG, PNG or WebP image within the limits raises ValidationError on `field`."""
    if folder not in FOLDERS + PRIVATE_FOLDERS:
        raise ValueError(f"unknown media folder {folder!r}")
    data = _read_limited(file_storage, field)
    image = _decode(data, large_size, field)
    thumb = ImageOps.fit(image, (thumb_size, thumb_size), Image.Resampling.LANCZOS)
    large = image.copy()
    large.thumbnail((large_size, large_size), Image.Resampling.LANCZOS)

    directory = Path(current_app.config["UPLOAD_DIR"]) / folder
    directory.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_hex(16)
    paths = (f"{folder}/{stem}_t.webp", f"{folder}/{stem}_l.webp")
    files = list(zip((thumb, large), paths))
    if medium:
        files.append((_shrunk(large, MEDIUM_SIZE), medium_path(paths[1])))
    try:
        for picture, relative in files:
            # "xb": never overwrite an existing file, however unlikely a name collision is.
            with open(Path(current_app.config["UPLOAD_DIR"]) / relative, "xb") as out:
                picture.save(out, "WEBP", quality=WEBP_QUALITY)
    except BaseException:
        delete_image_files(*paths)
        raise
    return paths


def medium_path(large_path: str) -> str | None:
    """Where the medium version of a large image is (or would be): `…_l.webp` → `…_m.webp`."""
    return large_path[:-len("_l.webp")] + "_m.webp" if large_path.endswith("_l.webp") else None


def write_medium(large_path: str) -> bool:
    """Make the medium version of an already stored large image if it is missing (photos
    uploaded before medium versions existed: `flask media-sizes`). True when a file was written."""
    target = medium_path(large_path)
    root = Path(current_app.config["UPLOAD_DIR"])
    if target is None or (root / target).exists() or not (root / large_path).is_file():
        return False
    with Image.open(root / large_path, formats=("WEBP",)) as large:
        large.load()
        picture = _shrunk(large.convert("RGB"), MEDIUM_SIZE)
    try:
        with open(root / target, "xb") as out:
            picture.save(out, "WEBP", quality=WEBP_QUALITY)
    except FileExistsError:
        return False
    return True


def _shrunk(image: Image.Image, size: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    return copy


def delete_image_files(*paths: str | None) -> None:
    """Remove image files by their UPLOAD_DIR-relative paths (a large image's medium version
    with it). Paths outside the public media folders (documents, `..` tricks, absolute paths)
    are ignored, as are missing files."""
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    paths = [*paths, *(medium_path(p) for p in paths if p and p.endswith("_l.webp"))]
    for relative in paths:
        if not relative:
            continue
        target = (root / relative).resolve()
        try:
            inside = target.relative_to(root)
        except ValueError:
            log.warning("refused to delete %r: outside the upload folder", relative)
            continue
        if len(inside.parts) < 2 or inside.parts[0] not in FOLDERS + PRIVATE_FOLDERS:
            log.warning("refused to delete %r: not a media file", relative)
            continue
        try:
            target.unlink(missing_ok=True)
        except OSError:
            # A leftover file costs disk space only; the database change already happened.
            log.exception("could not delete media file %s", relative)


def max_bytes() -> int:
    return int(current_app.config.get("IMAGE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def _read_limited(file_storage, field: str) -> bytes:
    limit = max_bytes()
    stream = getattr(file_storage, "stream", file_storage)
    if stream is None:
        raise ValidationError(fields={field: _("Pilih gambar untuk diunggah.")})
    data = stream.read(limit + 1)
    if not data:
        raise ValidationError(fields={field: _("Pilih gambar untuk diunggah.")})
    if len(data) > limit:
        size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
        raise FileTooLargeError(fields={field: _("Ukuran gambar maksimal %(size)s per foto.", size=size)})
    return data


def _not_an_image(field: str) -> ValidationError:
    return ValidationError(fields={field: _("Berkas harus berupa gambar JPEG, PNG, atau WebP.")})


def _decode(data: bytes, large_size: int, field: str) -> Image.Image:
    """The decoded picture, upright, in RGB, with no metadata attached."""
    broken = ValidationError(fields={field: _("Gambar rusak atau tidak lengkap. Coba unggah ulang.")})
    try:
        probe = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise _too_many_pixels(field) from None
    except Exception:  # Pillow raises many kinds of errors on hostile or foreign input
        raise _not_an_image(field) from None
    _check_pixels(probe, field)
    try:
        # No verify() pass first: for a PNG it inflates the whole image once more only to check
        # checksums, and load() refuses a truncated or undecodable file all the same (Pillow's
        # LOAD_TRUNCATED_IMAGES stays off). Whatever decodes is re-encoded, never kept as sent.
        image, probe = probe, None  # one reference only, so the full-size pixels go once reduced
        if image.format == "JPEG":
            # Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding (much less memory).
            image.draft("RGB", (large_size, large_size))
        image.load()
        image = _reduce(image, large_size)
        image = ImageOps.exif_transpose(image)
        return _to_plain_rgb(image)
    except Image.DecompressionBombError:
        raise _too_many_pixels(field) from None
    except Exception:
        raise broken from None


# Modes Image.reduce() works on; others (palette "P", 1-bit) are converted later as they are.
_REDUCIBLE = ("L", "LA", "RGB", "RGBA", "RGBa", "La", "CMYK", "I", "F")


def _reduce(image: Image.Image, large_size: int) -> Image.Image:
    """Shrink a big decoded picture at once by a whole factor (box averaging: every source
    pixel counts, fast), keeping at least the largest size we save, so every later step
    (turning, colour conversion, the resampled thumbnail and large version) works on a small
    copy and the full-size pixels are freed. PNG and WebP have no draft mode: this is their
    equivalent."""
    factor = max(image.size) // large_size
    if factor < 2 or image.mode not in _REDUCIBLE:
        return image
    reduced = image.reduce(factor)
    # Keep what the later steps read: the EXIF orientation, the ICC profile, transparency.
    reduced.info = dict(image.info)
    return reduced


def _too_many_pixels(field: str, limit: int = MAX_PIXELS) -> ValidationError:
    return ValidationError(fields={field: _(
        "Resolusi gambar terlalu besar (maksimal %(mp)d megapiksel). Kecilkan foto lalu coba lagi.",
        mp=limit // 1_000_000)})


def _check_pixels(image: Image.Image, field: str) -> None:
    width, height = image.size
    limit = MAX_PIXELS_BY_FORMAT.get(image.format, MAX_PIXELS)
    if width < 1 or height < 1 or width * height > limit:
        raise _too_many_pixels(field, limit)


def _to_plain_rgb(image: Image.Image) -> Image.Image:
    """RGB on white, colours in sRGB, and a fresh image object so no EXIF, XMP, ICC profile
    or comment can travel to the saved file."""
    icc = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        rgb = Image.new("RGB", rgba.size, (255, 255, 255))
        rgb.paste(rgba, mask=rgba.getchannel("A"))
    else:
        rgb = image.convert("RGB")
    if icc and image.mode in ("RGB", "RGBA", "P", "PA"):
        # Phone photos may be in Display P3; browsers treat untagged images as sRGB.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            rgb = ImageCms.profileToProfile(rgb, source, _SRGB, outputMode="RGB")
        except Exception:
            log.info("ignored an unusable ICC profile")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean
