"""The seller's products: list, create, edit, images, duplicate, delete, and the quick edits
from the list (price, stock, active) that htmx swaps in place. Rules live in services.products;
these views collect values, call it and show what it says."""
from urllib.parse import parse_qsl, urlsplit

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from malpro.auth.decorators import role_required
from malpro.extensions import db
from malpro.forms import safe_next_url, show_domain_error
from malpro.htmx import is_htmx, vary_on_htmx
from malpro.seller import bp
from malpro.services import catalog, products
from malpro.services.errors import ConflictError, DomainError, NotFoundError, ValidationError
from malpro.services.images import max_bytes
from malpro.templating import category_name

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
PER_PAGE = 20
# The list filter as it appears in the URL (Indonesian) -> the service's status.
STATUS_FILTERS = {"semua": "all", "aktif": "active", "nonaktif": "inactive", "stok-habis": "out_of_stock"}
STATUS_LABELS = {"semua": _l("Semua"), "aktif": _l("Aktif"), "nonaktif": _l("Nonaktif"), "stok-habis": _l("Stok habis")}
FORM_FIELDS = ("name", "category", "price", "stock", "max_per_order", "unit", "description", *products.CERTIFICATE_FIELDS, "active")


class ProductForm(FlaskForm):
    """Collects the values; services.products checks them (the same rules as the API)."""

    images = MultipleFileField(_l("Foto produk"), render_kw={"accept": IMAGE_ACCEPT})
    name = StringField(_l("Nama produk"), render_kw={"maxlength": products.NAME_MAX, "autocomplete": "off"})
    category = SelectField(_l("Kategori"), validate_choice=False)
    price = StringField(_l("Harga (Rp)"), description=_l("Angka saja, contoh 15000."),
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    stock = StringField(_l("Stok"), description=_l("Kosongkan jika tidak terbatas, misalnya untuk jasa."),
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    max_per_order = StringField(
        _l("Maksimal per pesanan"),
        description=_l("Paling banyak yang boleh dibeli dalam satu pesanan, agar stok tidak habis oleh satu "
                       "pembeli. Kosongkan untuk bawaan: %(n)d. Tidak berlaku untuk stok tidak terbatas.",
                       n=products.DEFAULT_MAX_PER_ORDER),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    unit = StringField(_l("Satuan"), description=_l("Contoh: pcs, kg, paket."),
                       render_kw={"list": "unit-options", "maxlength": products.UNIT_MAX, "autocomplete": "off"})
    description = TextAreaField(_l("Deskripsi"), render_kw={"rows": 6, "maxlength": products.DESCRIPTION_MAX})
    halal_number = StringField(_l("Nomor sertifikat halal"), description=_l("Kosongkan jika belum ada."),
                               render_kw={"maxlength": products.CERTIFICATE_MAX, "autocomplete": "off"})
    pirt_number = StringField(_l("Nomor P-IRT"), description=_l("Izin pangan industri rumah tangga."),
                              render_kw={"maxlength": products.CERTIFICATE_MAX, "autocomplete": "off"})
    bpom_number = StringField(_l("Nomor BPOM"), description=_l("Contoh: BPOM RI MD 123456789012."),
                              render_kw={"maxlength": products.CERTIFICATE_MAX, "autocomplete": "off"})
    active = BooleanField(_l("Tampilkan di toko (aktif)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _("– Pilih kategori –"))] + [
            (c.slug, category_name(c)) for c in catalog.all_categories()]

    def product_data(self) -> dict:
        return {key: getattr(self, key).data for key in FORM_FIELDS}

    def uploads(self) -> list:
        return list(self.images.data or [])


def _store():
    return current_user.store


def _product(product_id: int):
    """The current seller's product; another store's product answers 404."""
    try:
        return products.get_product(_store().id, product_id)
    except NotFoundError:
        abort(404)


def _form_values(product) -> dict:
    return {
        "name": product.name, "category": product.category.slug, "price": str(product.price),
        "stock": "" if product.stock is None else str(product.stock), "unit": product.unit,
        "max_per_order": "" if product.max_per_order is None else str(product.max_per_order),
        "description": product.description, "halal_number": product.halal_number or "",
        "pirt_number": product.pirt_number or "", "bpom_number": product.bpom_number or "",
        "active": product.is_active,
    }


def _list_context(args: MultiDict) -> dict:
    store = _store()
    q = (args.get("q") or "").strip()[:100]
    status = args.get("status") if args.get("status") in STATUS_FILTERS else "semua"
    page = args.get("page", 1, type=int)
    pagination = db.paginate(products.store_products(store.id, q, STATUS_FILTERS[status]),
                             page=max(page, 1), per_page=PER_PAGE, error_out=False)
    counts = products.status_counts(store.id)
    return {
        "store": store, "q": q, "status": status, "pagination": pagination,
        "counts": {key: counts[value] for key, value in STATUS_FILTERS.items()},
        "status_labels": STATUS_LABELS,
        "list_url": url_for("seller.products", q=q or None, status=None if status == "semua" else status,
                            page=pagination.page if pagination.page > 1 else None),
    }


def _image_context(product) -> dict:
    return {"product": product, "max_images": products.MAX_IMAGES}


# --- List -----------------------------------------------------------------------------------

@bp.get("/produk", endpoint="products")
@role_required("seller")
def product_list():
    context = _list_context(request.args)
    # The search box swaps only the list (htmx); everything else gets the whole page, including
    # htmx's history restore after a cache miss, which replaces the whole body.
    fragment = is_htmx() and request.headers.get("HX-History-Restore-Request") != "true"
    template = "seller/partials/_product_list.html" if fragment else "seller/products/list.html"
    return vary_on_htmx(make_response(render_template(template, **context)))


# --- Create and edit ------------------------------------------------------------------------

def _render_form(form, product=None, status=200):
    return render_template(
        "seller/products/form.html", form=form, product=product, store=_store(),
        unit_suggestions=products.UNIT_SUGGESTIONS, max_images=products.MAX_IMAGES,
        image_max_mb=max(max_bytes() // (1024 * 1024), 1),
        uploads_lost=form.is_submitted() and any(getattr(f, "filename", "") for f in form.uploads()),
    ), status


@bp.route("/produk/baru", methods=["GET", "POST"])
@role_required("seller")
def new_product():
    form = ProductForm()
    if not form.is_submitted():
        form.unit.data = "pcs"
        form.active.data = True
    if form.validate_on_submit():
        try:
            product = products.create_product(_store().id, form.product_data(), images=form.uploads())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Produk \u201c%(name)s\u201d disimpan.", name=product.name), "success")
            return redirect(url_for("seller.products"), 303)
    return _render_form(form, status=422 if form.is_submitted() else 200)


@bp.route("/produk/<int:product_id>/ubah", methods=["GET", "POST"])
@role_required("seller")
def edit_product(product_id: int):
    product = _product(product_id)
    form = ProductForm() if request.method == "POST" else ProductForm(data=_form_values(product))
    form.images.label.text = _("Tambah foto")
    if form.validate_on_submit():
        try:
            products.update_product(_store().id, product.id, form.product_data(), images=form.uploads())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Perubahan \u201c%(name)s\u201d disimpan.", name=product.name), "success")
            return redirect(url_for("seller.edit_product", product_id=product.id), 303)
    return _render_form(form, product=product, status=422 if form.is_submitted() else 200)


@bp.post("/produk/<int:product_id>/duplikat")
@role_required("seller")
def duplicate_product(product_id: int):
    product = _product(product_id)
    copy = products.duplicate_product(_store().id, product.id)
    flash(_("Salinan dibuat dan belum aktif. Periksa datanya, lalu aktifkan."), "success")
    return redirect(url_for("seller.edit_product", product_id=copy.id), 303)


@bp.route("/produk/<int:product_id>/hapus", methods=["GET", "POST"])
@role_required("seller")
def delete_product(product_id: int):
    """GET asks for confirmation (pages work without JavaScript); POST deletes, or explains
    why an ordered product can only be deactivated."""
    product = _product(product_id)
    if request.method == "GET":
        return render_template("seller/products/delete.html", product=product,
                               was_ordered=products.was_ordered(product.id))
    try:
        products.delete_product(_store().id, product.id)
    except ConflictError as error:
        flash(error.message, "error")
        return redirect(url_for("seller.edit_product", product_id=product.id), 303)
    flash(_("Produk \u201c%(name)s\u201d dihapus.", name=product.name), "success")
    return redirect(url_for("seller.products"), 303)


# --- Quick edits from the list (htmx row swaps; PRG without JavaScript) -------------------

def _row_response(product, *, saved=None, errors=None, values=None):
    next_url = safe_next_url(request.form.get("next")) or url_for("seller.products")
    if errors is None:
        if is_htmx():
            return vary_on_htmx(make_response(render_template(
                "seller/partials/_product_row.html", product=product, list_url=next_url, saved=saved)))
        flash(saved, "success")
        return vary_on_htmx(redirect(next_url, 303))
    if is_htmx():
        # htmx 2 does not swap 4xx answers: the row with its message comes back as 200.
        return vary_on_htmx(make_response(render_template(
            "seller/partials/_product_row.html", product=product, list_url=next_url, errors=errors,
            values=values)))
    context = _list_context(MultiDict(parse_qsl(urlsplit(next_url).query)))
    return vary_on_htmx(make_response(render_template(
        "seller/products/list.html", **context, row_errors={product.id: errors}, row_values={product.id: values},
        error_product=product), 422))


def _quick_edit(product_id: int, changes: dict, saved: str):
    product = _product(product_id)
    try:
        product = products.update_product(_store().id, product.id, changes)
    except ValidationError as error:
        return _row_response(product, errors=error.fields or {"form": error.message}, values=changes)
    return _row_response(product, saved=saved)


@bp.post("/produk/<int:product_id>/stok")
@role_required("seller")
def update_stock(product_id: int):
    return _quick_edit(product_id, {"stock": request.form.get("stock", "")}, _("Stok disimpan."))


@bp.post("/produk/<int:product_id>/harga")
@role_required("seller")
def update_price(product_id: int):
    return _quick_edit(product_id, {"price": request.form.get("price", "")}, _("Harga disimpan."))


@bp.post("/produk/<int:product_id>/aktif")
@role_required("seller")
def toggle_active(product_id: int):
    product = _product(product_id)
    wanted = request.form.get("active")
    # An explicit value makes a double click harmless; without one the button toggles.
    active = (not product.is_active) if wanted is None else wanted in ("1", "true", "on")
    return _quick_edit(product_id, {"active": active},
                       _("Produk diaktifkan.") if active else _("Produk dinonaktifkan."))


# --- Images on the edit page ----------------------------------------------------------------

def _images_response(product, message: str):
    if is_htmx():
        return vary_on_htmx(make_response(render_template(
            "seller/partials/_product_images.html", **_image_context(product), notice=message)))
    flash(message, "success")
    return vary_on_htmx(redirect(url_for("seller.edit_product", product_id=product.id) + "#product-images", 303))


def _image_action(product_id: int, image_id: int, action, message: str):
    product = _product(product_id)
    try:
        product = action(_store().id, product.id, image_id)
    except NotFoundError:
        abort(404)
    return _images_response(product, message)


@bp.post("/produk/<int:product_id>/foto/<int:image_id>/sampul")
@role_required("seller")
def set_product_cover(product_id: int, image_id: int):
    return _image_action(product_id, image_id, products.set_cover, _("Foto sampul diganti."))


@bp.post("/produk/<int:product_id>/foto/<int:image_id>/geser")
@role_required("seller")
def move_product_image(product_id: int, image_id: int):
    step = -1 if request.form.get("arah") == "kiri" else 1

    def move(store_id, pid, iid):
        product = products.get_product(store_id, pid)
        current = next((i.position for i in product.images if i.id == iid), None)
        if current is None:
            raise NotFoundError()
        return products.move_image(store_id, pid, iid, current + step)

    return _image_action(product_id, image_id, move, _("Urutan foto diubah."))


@bp.post("/produk/<int:product_id>/foto/<int:image_id>/hapus")
@role_required("seller")
def remove_product_image(product_id: int, image_id: int):
    return _image_action(product_id, image_id, products.remove_image, _("Foto dihapus."))
