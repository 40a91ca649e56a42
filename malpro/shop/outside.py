"""The employee's purchases outside Malpro (/akun/belanja-luar): the report form with its
photo, the list with each report's state, and the private photo (to the employee, their OPD's
coordinators and admins only; anyone else gets 404). Rules: services.outside_purchases."""
from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField

from malpro.auth.decorators import role_required
from malpro.forms import kecamatan_choices, kelurahan_choices, show_domain_error
from malpro.services import asn, outside_purchases, participation
from malpro.services.errors import DomainError, NotFoundError
from malpro.shop import bp


class OutsidePurchaseForm(FlaskForm):
    # Named like the service's (and the API's) fields, so its errors land on them.
    date = StringField(_l("Tanggal belanja"), render_kw={"type": "date"},
                       description=_l("Paling lama 31 hari yang lalu."))
    shop_name = StringField(_l("Nama toko/UMKM"), render_kw={"maxlength": 120, "autocomplete": "off"})
    kecamatan = SelectField(_l("Kecamatan"), choices=kecamatan_choices, validate_choice=False)
    kelurahan = SelectField(_l("Kelurahan"), choices=[], validate_choice=False)
    amount = StringField(_l("Jumlah belanja (Rp)"), render_kw={"inputmode": "numeric", "autocomplete": "off"},
                         description=_l("Rp1.000 sampai Rp5.000.000."))
    description = StringField(_l("Yang dibeli"), render_kw={"maxlength": 200},
                              description=_l("Singkat saja, mis. \"2 kg keripik tempe\"."))
    photo = FileField(_l("Foto struk atau barang di toko"), render_kw={"accept": "image/jpeg,image/png,image/webp",
                                                                      "capture": "environment"},
                      description=_l("Wajib. Hanya Anda, koordinator OPD Anda, dan admin yang dapat melihatnya."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kelurahan.choices = kelurahan_choices(self.kecamatan.data)


@bp.route("/akun/belanja-luar", methods=["GET", "POST"], endpoint="outside_purchases")
@role_required("user")
def outside_purchases_page():
    profile = asn.profile_of(current_user.id)
    form = OutsidePurchaseForm()
    status = 200
    if profile is not None and form.is_submitted():
        if form.validate_on_submit():  # the CSRF token; the rules are the service's
            try:
                outside_purchases.report(
                    current_user.id, purchase_date=form.date.data, shop_name=form.shop_name.data,
                    kecamatan=form.kecamatan.data, kelurahan=form.kelurahan.data, amount=form.amount.data,
                    description=form.description.data, photo=form.photo.data)
            except DomainError as error:
                show_domain_error(form, error)
                status = error.status
            else:
                flash(_("Laporan belanja terkirim. Koordinator OPD Anda akan memeriksanya."), "success")
                return redirect(url_for("shop.outside_purchases"))
        else:
            status = 400
    purchases, _total = outside_purchases.list_for_user(current_user.id, per_page=50)
    return render_template("shop/outside_purchases.html", form=form, profile=profile, purchases=purchases,
                           progress=participation.month_progress(current_user.id) if profile else None,
                           status_label=outside_purchases.status_label,
                           pending=outside_purchases.pending_count(current_user.id),
                           max_pending=outside_purchases.MAX_PENDING), status


@bp.get("/akun/belanja-luar/<int:purchase_id>/foto/<size>", endpoint="outside_purchase_photo")
@role_required("user")
def outside_purchase_photo(purchase_id: int, size: str):
    if size not in ("kecil", "besar"):
        abort(404)
    try:
        purchase = outside_purchases.visible(current_user, purchase_id)
    except NotFoundError:
        abort(404)
    path = outside_purchases.photo_path(purchase, size)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/webp", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
