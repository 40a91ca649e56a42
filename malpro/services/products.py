"""A store's products: the Catalogue rules of DOMAIN.md for sellers.

Every function takes the acting store's id and refuses (NotFoundError) a product of another
store, so another seller's product answers 404 wherever it is asked for. Field values are
plain Python values with the API's names (API.md, Seller): name, category (slug), price,
stock, max_per_order, unit, description, active, plus halal_number, pirt_number and bpom_number. Numbers may
also come as text from web forms ("15.000", "Rp 15.000"); anything else is refused on its field.
"""
import logging
import re
import secrets
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from malpro.extensions import db
from malpro.models import Category, OrderItem, Product, ProductImage, Store
from malpro.reference import categories
from malpro.services import images as image_files
from malpro.services.errors import ConflictError, NotFoundError, ValidationError
from malpro.services.validation import validate_price
from malpro.slugs import slugify

log = logging.getLogger(__name__)

NAME_MIN, NAME_MAX = 3, 120
UNIT_MAX = 20
DESCRIPTION_MAX = 5000
STOCK_MAX = 1_000_000
# A product with limited stock goes at most this many per order, unless its seller sets
# another maximum (DOMAIN.md "COD abuse guard"); products with unlimited stock have none.
DEFAULT_MAX_PER_ORDER = 20
MAX_PER_ORDER_MAX = 999
MAX_IMAGES = 8
CERTIFICATE_MAX = 60
# Offered as suggestions; a seller may type another unit ("pasang", "lembar", ...).
UNIT_SUGGESTIONS = ("pcs", "kg", "paket", "jam", "bungkus", "botol", "set", "porsi")
CERTIFICATE_FIELDS = ("halal_number", "pirt_number", "bpom_number")
# The seller list's filters.
STATUSES = ("all", "active", "inactive", "out_of_stock")

_CERTIFICATE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./\-]*")
_TRUE = {"1", "true", "on", "yes", "ya", "y"}


# --- Reading ------------------------------------------------------------------------------

def get_product(store_id: int, product_id: int) -> Product:
    """The store's own product, or NotFoundError (also for another store's product)."""
    product = db.session.scalar(select(Product).where(Product.id == product_id, Product.store_id == store_id))
    if product is None:
        raise NotFoundError(_("Produk tidak ditemukan."))
    return product


def store_products(store_id: int, q: str = "", status: str = "all") -> Select:
    """The store's products, any status, newest first, for the seller's list (paginate it).

    `q` matches every word in the name; `status` is one of STATUSES."""
    query = select(Product).where(Product.store_id == store_id).options(joinedload(Product.category))
    for word in (q or "").split()[:8]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Product.name.ilike(pattern, escape="\\"))
    if status == "active":
        query = query.where(Product.is_active.is_(True))
    elif status == "inactive":
        query = query.where(Product.is_active.is_(False))
    elif status == "out_of_stock":
        query = query.where(Product.stock == 0)
    return query.order_by(Product.created_at.desc(), Product.id.desc())


def status_counts(store_id: int) -> dict[str, int]:
    """How many of the store's products each list filter shows, in one query."""
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Product.is_active.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Product.stock == 0, 1), else_=0)), 0),
        ).where(Product.store_id == store_id)
    ).one()
    total, active, out_of_stock = (int(v) for v in row)
    return {"all": total, "active": active, "inactive": total - active, "out_of_stock": out_of_stock}


def was_ordered(product_id: int) -> bool:
    return db.session.scalar(select(OrderItem.id).where(OrderItem.product_id == product_id).limit(1)) is not None


# --- Writing ------------------------------------------------------------------------------

def create_product(store_id: int, data: Mapping, images: Iterable = ()) -> Product:
    """A new product of the store, with up to MAX_IMAGES images (uploaded files).

    `name`, `category` and `price` are required; a missing `stock` means unlimited, a missing
    `unit` is "pcs", a missing `active` is True. Nothing is saved unless everything is valid."""
    store = db.session.get(Store, store_id)
    if store is None:
        raise NotFoundError(_("Toko tidak ditemukan."))
    values = _clean(data, partial=False)
    files = [f for f in images if _is_upload(f)]
    _check_image_room(0, len(files))
    product = Product(store_id=store_id, slug=slugify(values["name"]), **_columns(values))
    db.session.add(product)
    saved = _save_images(files)
    for position, (thumb, large) in enumerate(saved):
        product.images.append(ProductImage(position=position, thumb_path=thumb, large_path=large))
    _sync_cover(product)
    _commit_or_remove(saved)
    return product


def update_product(store_id: int, product_id: int, changes: Mapping, images: Iterable = ()) -> Product:
    """Change the given fields only (PATCH) and append any uploaded images, all or nothing.
    Unknown keys, such as `store_id` or `moderation_reason`, are ignored: they are never the
    seller's to set."""
    product = get_product(store_id, product_id)
    values = _clean(changes, partial=True)
    if values.get("is_active"):
        _check_may_activate(product, field="active")
    files = [f for f in images if _is_upload(f)]
    _check_image_room(len(product.images), len(files))
    saved = _save_images(files)
    for column, value in _columns(values).items():
        setattr(product, column, value)
    if "name" in values:
        product.slug = slugify(values["name"])
    start = len(product.images)
    for i, (thumb, large) in enumerate(saved):
        product.images.append(ProductImage(position=start + i, thumb_path=thumb, large_path=large))
    _sync_cover(product)
    _commit_or_remove(saved)
    return product


def set_active(store_id: int, product_id: int, active: bool) -> Product:
    """Show (active) or hide the product in the shop."""
    return update_product(store_id, product_id, {"active": bool(active)})


def duplicate_product(store_id: int, product_id: int) -> Product:
    """A copy of the product (fields, certificates, copies of its images), inactive so the
    seller can adjust it before it appears in the shop. A copy of a product an admin took down
    carries the takedown (its reason): like the original, only an admin can put it back, so
    duplicating is no way around moderation."""
    original = get_product(store_id, product_id)
    suffix = _(" (salinan)")
    name = original.name[:NAME_MAX - len(suffix)].rstrip() + suffix
    copy = Product(
        store_id=store_id, category_id=original.category_id, name=name, slug=slugify(name),
        description=original.description, price=original.price, stock=original.stock, unit=original.unit,
        max_per_order=original.max_per_order,
        is_active=False, halal_number=original.halal_number, pirt_number=original.pirt_number,
        bpom_number=original.bpom_number, moderation_reason=original.moderation_reason,
    )
    db.session.add(copy)
    # Each product owns its files, so deleting one product's image never breaks another's.
    copied = []
    try:
        for image in original.images:
            pair = _copy_files(image)
            if pair:
                copied.append(pair)
                copy.images.append(ProductImage(position=len(copied) - 1, thumb_path=pair[0], large_path=pair[1]))
    except BaseException:
        db.session.rollback()
        image_files.delete_image_files(*[p for pair in copied for p in pair])
        raise
    _sync_cover(copy)
    _commit_or_remove(copied)
    return copy


def delete_product(store_id: int, product_id: int) -> None:
    """Delete a product that was never ordered; an ordered product must stay (its orders
    and reports refer to it), so the seller is told to deactivate it instead."""
    product = get_product(store_id, product_id)
    if was_ordered(product.id):
        raise ConflictError(_("Produk ini sudah pernah dipesan, jadi tidak bisa dihapus. "
                              "Nonaktifkan saja agar tidak tampil lagi di toko."))
    paths = [p for image in product.images for p in (image.thumb_path, image.large_path)]
    db.session.delete(product)
    db.session.commit()
    _delete_unused_files(paths)


# --- Images -------------------------------------------------------------------------------

def add_images(store_id: int, product_id: int, files: Iterable) -> list[ProductImage]:
    """Append uploaded images after the existing ones (the first image is the cover)."""
    product = get_product(store_id, product_id)
    files = [f for f in files if _is_upload(f)]
    if not files:
        raise ValidationError(fields={"images": _("Pilih foto untuk diunggah.")})
    _check_image_room(len(product.images), len(files))
    saved = _save_images(files)
    start = len(product.images)
    added = [ProductImage(position=start + i, thumb_path=thumb, large_path=large)
             for i, (thumb, large) in enumerate(saved)]
    product.images.extend(added)
    _sync_cover(product)
    _commit_or_remove(saved)
    return added


def remove_image(store_id: int, product_id: int, image_id: int) -> Product:
    product = get_product(store_id, product_id)
    image = _image_of(product, image_id)
    paths = [image.thumb_path, image.large_path]
    product.images.remove(image)
    _renumber(product, list(product.images))
    db.session.commit()
    _delete_unused_files(paths)
    return product


def reorder_images(store_id: int, product_id: int, image_ids: list[int]) -> Product:
    """Put the images in this order (every image id of the product, once)."""
    product = get_product(store_id, product_id)
    by_id = {image.id: image for image in product.images}
    if sorted(image_ids) != sorted(by_id):
        raise ValidationError(fields={"images": _("Urutan foto tidak cocok dengan foto produk ini.")})
    _renumber(product, [by_id[i] for i in image_ids])
    db.session.commit()
    return product


def move_image(store_id: int, product_id: int, image_id: int, position: int) -> Product:
    """Move one image to `position` (0 is the cover; clamped to the ends)."""
    product = get_product(store_id, product_id)
    image = _image_of(product, image_id)
    order = [i for i in product.images if i is not image]
    order.insert(max(0, min(int(position), len(order))), image)
    _renumber(product, order)
    db.session.commit()
    return product


def set_cover(store_id: int, product_id: int, image_id: int) -> Product:
    return move_image(store_id, product_id, image_id, 0)


# --- Helpers ------------------------------------------------------------------------------

def _clean(data: Mapping, partial: bool) -> dict:
    """Validated values keyed by field name (`active` becomes `is_active`); raises one
    ValidationError naming every bad field."""
    values, fields = {}, {}

    def check(key, cleaner, required=True, default=None):
        if key not in data:
            if partial:
                return
            if required:
                fields[key] = _required_message(key)
                return
            values[key] = default
            return
        try:
            values[key] = cleaner(data[key])
        except ValueError as error:
            fields[key] = str(error)

    check("name", _clean_name)
    check("category", _clean_category)
    check("price", _clean_price)
    check("stock", _clean_stock, required=False, default=None)
    check("max_per_order", _clean_max_per_order, required=False, default=None)
    check("unit", _clean_unit, required=False, default="pcs")
    check("description", _clean_description, required=False, default="")
    for key in CERTIFICATE_FIELDS:
        check(key, lambda v, key=key: _clean_certificate(key, v), required=False, default=None)
    check("active", _clean_bool, required=False, default=True)
    if fields:
        raise ValidationError(fields=fields)
    if "active" in values:
        values["is_active"] = values.pop("active")
    return values


def _columns(values: dict) -> dict:
    columns = dict(values)
    if "category" in columns:
        columns["category_id"] = columns.pop("category").id
    return columns


def _required_message(key: str) -> str:
    return {
        "name": _("Nama produk wajib diisi."),
        "category": _("Pilih salah satu kategori."),
        "price": _("Harga wajib diisi."),
    }[key]


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("Isian harus berupa teks."))
    return value.strip()


def _clean_name(value) -> str:
    name = re.sub(r"\s+", " ", _text(value))
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise ValueError(_("Nama produk harus %(min)d-%(max)d karakter.", min=NAME_MIN, max=NAME_MAX))
    return name


def _clean_category(value) -> Category:
    slug = value if isinstance(value, str) else ""
    category = None
    if slug in {c["slug"] for c in categories()}:
        category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise ValueError(_("Pilih salah satu kategori."))
    return category


def _whole_number(value, message: str) -> int | None:
    """An int from an int or from text such as "15.000" or "Rp 15.000"; None when empty."""
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = re.sub(r"^rp\.?", "", value.strip().lower()).strip()
        if not text:
            return None
        # Indonesians group thousands with dots; a comma is a decimal mark and not allowed.
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+|-?\d+", text.replace(" ", "")):
            return int(text.replace(" ", "").replace(".", ""))
    raise ValueError(message)


def _clean_price(value) -> int:
    price = _whole_number(value, _("Harga harus bilangan bulat rupiah, tanpa koma."))
    if price is None:
        raise ValueError(_("Harga wajib diisi."))
    return validate_price(price)


def _clean_stock(value) -> int | None:
    message = _("Stok harus bilangan bulat 0 atau lebih; kosongkan jika stok tidak terbatas.")
    stock = None if value is None else _whole_number(value, message)
    if stock is None:
        return None
    if stock < 0:
        raise ValueError(message)
    if stock > STOCK_MAX:
        raise ValueError(_("Stok paling banyak %(n)s.", n=f"{STOCK_MAX:,}".replace(",", ".")))
    return stock


def _clean_max_per_order(value) -> int | None:
    """The most one order may take (empty: the default, DEFAULT_MAX_PER_ORDER)."""
    message = _("Maksimal per pesanan harus bilangan bulat 1 sampai %(max)d; kosongkan untuk bawaan (%(n)d).",
                max=MAX_PER_ORDER_MAX, n=DEFAULT_MAX_PER_ORDER)
    limit = None if value is None else _whole_number(value, message)
    if limit is not None and not 1 <= limit <= MAX_PER_ORDER_MAX:
        raise ValueError(message)
    return limit


def per_order_limit(product: Product) -> int | None:
    """How many of this product one order may take: None (no limit of its own) for unlimited stock."""
    if product.stock is None:
        return None
    return product.max_per_order or DEFAULT_MAX_PER_ORDER


def _clean_unit(value) -> str:
    unit = re.sub(r"\s+", " ", _text(value))
    if not unit:
        raise ValueError(_("Satuan wajib diisi, misalnya pcs, kg atau paket."))
    if len(unit) > UNIT_MAX:
        raise ValueError(_("Satuan paling panjang %(n)d karakter.", n=UNIT_MAX))
    return unit


def _clean_description(value) -> str:
    description = _text(value).replace("\r\n", "\n")
    if len(description) > DESCRIPTION_MAX:
        raise ValueError(_("Deskripsi paling panjang %(n)d karakter.", n=DESCRIPTION_MAX))
    return description


def _clean_certificate(key: str, value) -> str | None:
    number = re.sub(r"\s+", " ", _text(value))
    if not number:
        return None
    if len(number) < 3 or len(number) > CERTIFICATE_MAX or not _CERTIFICATE_PATTERN.fullmatch(number):
        label = {"halal_number": _("halal"), "pirt_number": "P-IRT", "bpom_number": "BPOM"}[key]
        raise ValueError(_("Nomor sertifikat %(label)s tidak valid: 3-%(max)d huruf, angka, spasi, titik, "
                           "garis miring atau tanda hubung.", label=label, max=CERTIFICATE_MAX))
    return number


def _clean_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    if value is None or isinstance(value, (bool, int)):
        return bool(value)
    raise ValueError(_("Isian harus ya atau tidak."))


def _check_may_activate(product: Product, field: str) -> None:
    if product.moderation_reason:
        raise ValidationError(
            _("Produk ini diturunkan oleh admin dan tidak bisa diaktifkan kembali: %(reason)s",
              reason=product.moderation_reason),
            fields={field: _("Produk ini diturunkan oleh admin: %(reason)s. Perbaiki produk lalu hubungi admin "
                             "untuk menayangkannya kembali.", reason=product.moderation_reason)},
        )


def _is_upload(file) -> bool:
    """Browsers send an empty part for a file input left empty."""
    return file is not None and bool(getattr(file, "filename", True))


def _check_image_room(existing: int, adding: int) -> None:
    if existing + adding > MAX_IMAGES:
        left = MAX_IMAGES - existing
        raise ValidationError(fields={"images": _(
            "Maksimal %(max)d foto per produk; Anda masih bisa menambah %(left)d foto.",
            max=MAX_IMAGES, left=max(left, 0))})


def _save_images(files: list) -> list[tuple[str, str]]:
    """Re-encode every file; if one is refused, the ones already written are removed."""
    saved = []
    try:
        for number, file in enumerate(files, start=1):
            try:
                saved.append(image_files.save_image(file, "products", field="images", medium=True))
            except ValidationError as error:
                if len(files) > 1:
                    name = getattr(file, "filename", None) or _("foto ke-%(n)d", n=number)
                    error.fields["images"] = f"{name}: {error.fields['images']}"
                raise
    except BaseException:
        db.session.rollback()
        image_files.delete_image_files(*[p for pair in saved for p in pair])
        raise
    return saved


def _commit_or_remove(saved: list[tuple[str, str]]) -> None:
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        image_files.delete_image_files(*[p for pair in saved for p in pair])
        raise


def _image_of(product: Product, image_id: int) -> ProductImage:
    for image in product.images:
        if image.id == image_id:
            return image
    raise NotFoundError(_("Foto tidak ditemukan."))


def _renumber(product: Product, ordered: list[ProductImage]) -> None:
    for position, image in enumerate(ordered):
        image.position = position
    # The relationship keeps its loaded order; make it match the new positions.
    product.images.sort(key=lambda i: i.position)
    _sync_cover(product)


def _sync_cover(product: Product) -> None:
    """Listings show Product.cover_path without a join: it is always the first image's thumbnail."""
    product.cover_path = product.images[0].thumb_path if product.images else None


def _copy_files(image: ProductImage) -> tuple[str, str] | None:
    """Copies of an image's two files under a new random name; None when a file is gone."""
    root = Path(current_app.config["UPLOAD_DIR"])
    if not ((root / image.thumb_path).is_file() and (root / image.large_path).is_file()):
        log.warning("image %s of product %s has no file; not copied", image.id, image.product_id)
        return None
    stem = secrets.token_hex(16)
    pair = (f"products/{stem}_t.webp", f"products/{stem}_l.webp")
    shutil.copyfile(root / image.thumb_path, root / pair[0])
    try:
        shutil.copyfile(root / image.large_path, root / pair[1])
        medium = image_files.medium_path(image.large_path)
        if medium and (root / medium).is_file():
            shutil.copyfile(root / medium, root / image_files.medium_path(pair[1]))
    except BaseException:
        image_files.delete_image_files(*pair)
        raise
    return pair


def write_missing_medium_images() -> int:
    """Give every product photo its medium version (services.images.MEDIUM_SIZE) where it has
    none: photos stored before medium versions existed. Idempotent; returns how many were made."""
    written = 0
    for large_path in db.session.scalars(select(ProductImage.large_path).distinct()):
        written += image_files.write_medium(large_path)
    return written


def _delete_unused_files(paths: list[str]) -> None:
    """Delete files no image row refers to any more (demo data shares files between products)."""
    if not paths:
        return
    still_used = set(db.session.scalars(select(ProductImage.thumb_path).where(ProductImage.thumb_path.in_(paths))))
    still_used |= set(db.session.scalars(select(ProductImage.large_path).where(ProductImage.large_path.in_(paths))))
    image_files.delete_image_files(*[p for p in paths if p not in still_used])

