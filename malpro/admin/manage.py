"""Admin management pages: accounts, product listings, categories, OPDs and the audit log.

Thin views over services.moderation, which checks every rule and writes the audit row. Each
change is a POST form with a CSRF token that redirects back (PRG); a refused change re-renders
the page with the message on the field and the service's HTTP status."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from malpro.admin import bp
from malpro.admin.manage_forms import CategoryForm, NewOpdForm, OpdNameForm, ReasonForm
from malpro.downloads import file_response
from malpro.extensions import db
from malpro.forms import show_domain_error
from malpro.models import AsnProfile, AuditLog, Category, Opd, Order, Product, User
from malpro.services import asn, moderation, password_reset, report_tables
from malpro.services.errors import DomainError
from malpro.services.reports import PeriodError, parse_day, wib_today
from malpro.services.validation import whatsapp_url

PER_PAGE = 50
AUDIT_EXPORT_LIMIT = 50_000


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _audit_for(target_type: str, target_id: int) -> list[AuditLog]:
    return list(db.session.scalars(
        select(AuditLog).where(AuditLog.target_type == target_type, AuditLog.target_id == target_id)
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(20)))


# --- Accounts -----------------------------------------------------------------------------

@bp.get("/pengguna")
def users():
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("peran", "all")
    if role not in moderation.USER_FILTERS:
        role = "all"
    pagination = db.paginate(moderation.users_query(q, role), page=_page(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", pagination=pagination, q=q, role=role)


def _user_page(user: User, form: ReasonForm | None = None, failed: str | None = None, status: int = 200,
               reset: dict | None = None):
    profile = asn.profile_of(user.id)
    orders = db.session.scalar(select(func.count(Order.id)).where(Order.buyer_id == user.id))
    return render_template("admin/user_detail.html", user=user, profile=profile, orders=orders,
                           form=form or ReasonForm(formdata=None), failed=failed,
                           history=_audit_for("user", user.id), kind_label=asn.kind_label,
                           action_label=moderation.action_label, reset=reset), status


@bp.get("/pengguna/<int:user_id>")
def user_detail(user_id: int):
    return _user_page(db.get_or_404(User, user_id))


def _user_action(user_id: int, action: str, change):
    user = db.get_or_404(User, user_id)
    form = ReasonForm()
    form.validate_on_submit()  # the CSRF token; the reason rules are the service's
    try:
        change(current_user.id, user_id, form.reason.data)
    except DomainError as error:
        show_domain_error(form, error)
        db.session.rollback()
        return _user_page(user, form, failed=action, status=error.status)
    flash({
        "deactivate": _("Akun %(email)s dinonaktifkan; pemiliknya tidak dapat masuk lagi.", email=user.email),
        "reactivate": _("Akun %(email)s aktif kembali.", email=user.email),
        "grant": _("%(email)s sekarang admin Malpro.", email=user.email),
        "revoke": _("Hak admin %(email)s dicabut.", email=user.email),
    }[action], "success")
    return redirect(url_for("admin.user_detail", user_id=user_id))


@bp.post("/pengguna/<int:user_id>/nonaktifkan")
def deactivate_user(user_id: int):
    return _user_action(user_id, "deactivate", moderation.deactivate_user)


@bp.post("/pengguna/<int:user_id>/aktifkan")
def reactivate_user(user_id: int):
    return _user_action(user_id, "reactivate", moderation.reactivate_user)


@bp.post("/pengguna/<int:user_id>/jadikan-admin")
def grant_admin(user_id: int):
    return _user_action(user_id, "grant", lambda admin_id, uid, reason: moderation.set_admin(admin_id, uid, True,
                                                                                           reason))


@bp.post("/pengguna/<int:user_id>/cabut-admin")
def revoke_admin(user_id: int):
    return _user_action(user_id, "revoke", lambda admin_id, uid, reason: moderation.set_admin(admin_id, uid, False,
                                                                                            reason))


@bp.post("/pengguna/<int:user_id>/tautan-sandi")
def password_reset_link(user_id: int):
    """A one-time password reset link for the admin to send by WhatsApp (no mail server).
    Shown once, on this answer only (never stored); the making of it is audited."""
    user = db.get_or_404(User, user_id)
    form = ReasonForm()
    form.validate_on_submit()  # the CSRF token
    try:
        user, raw = password_reset.create_link_by_admin(current_user.id, user_id)
    except DomainError as error:
        show_domain_error(form, error)
        return _user_page(user, form, failed="reset", status=error.status)
    link = password_reset.reset_url(raw)
    message = _("Halo %(name)s, ini tautan untuk membuat kata sandi baru akun Malpro Anda (berlaku %(minutes)d "
                "menit, sekali pakai): %(link)s", name=user.name, link=link,
                minutes=current_app.config["PASSWORD_RESET_MINUTES"])
    response = _user_page(user, reset={"link": link,
                                       "whatsapp": whatsapp_url(user.phone, message) if user.phone else None})
    return response


# --- Product listings ---------------------------------------------------------------------

@bp.get("/produk")
def products():
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "all")
    if status not in moderation.PRODUCT_FILTERS:
        status = "all"
    pagination = db.paginate(moderation.products_query(q, status), page=_page(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/products.html", pagination=pagination, q=q, status=status)


def _product_page(product: Product, form: ReasonForm | None = None, status: int = 200):
    return render_template("admin/product_detail.html", product=product, form=form or ReasonForm(formdata=None),
                           history=_audit_for("product", product.id),
                           action_label=moderation.action_label), status


@bp.get("/produk/<int:product_id>")
def product_detail(product_id: int):
    return _product_page(db.get_or_404(Product, product_id))


def _product_action(product_id: int, change, done):
    product = db.get_or_404(Product, product_id)
    form = ReasonForm()
    form.validate_on_submit()
    try:
        change(current_user.id, product_id, form.reason.data)
    except DomainError as error:
        show_domain_error(form, error)
        db.session.rollback()
        return _product_page(product, form, status=error.status)
    flash(done(product), "success")
    return redirect(url_for("admin.product_detail", product_id=product_id))


@bp.post("/produk/<int:product_id>/turunkan")
def take_down_product(product_id: int):
    return _product_action(product_id, moderation.take_down_product,
                           lambda p: _("Produk %(name)s diturunkan; penjual melihat alasannya.", name=p.name))


@bp.post("/produk/<int:product_id>/tayangkan")
def restore_product(product_id: int):
    return _product_action(product_id, moderation.restore_product,
                           lambda p: _("Produk %(name)s ditayangkan kembali.", name=p.name))


# --- Categories ---------------------------------------------------------------------------

@bp.get("/kategori")
def categories():
    counts = dict(db.session.execute(select(Product.category_id, func.count()).group_by(Product.category_id)).all())
    return render_template("admin/categories.html", categories=moderation.categories(), counts=counts)


@bp.post("/kategori/<int:category_id>/geser")
def move_category(category_id: int):
    ReasonForm().validate_on_submit()
    try:
        moderation.move_category(current_user.id, category_id, request.form.get("arah", ""))
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
    return redirect(url_for("admin.categories"))


@bp.route("/kategori/<int:category_id>", methods=["GET", "POST"])
def edit_category(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(obj=category)
    status = 200
    if form.validate_on_submit():
        try:
            moderation.update_category(current_user.id, category_id, form.name.data, form.name_en.data,
                                       form.icon.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
            status = error.status
        else:
            flash(_("Kategori %(slug)s tersimpan.", slug=category.slug), "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_form.html", category=category, form=form,
                           history=_audit_for("category", category_id),
                           action_label=moderation.action_label), status


# --- OPDs ---------------------------------------------------------------------------------

def _opds_page(form: NewOpdForm, status: int = 200):
    employees = dict(db.session.execute(select(AsnProfile.opd_id, func.count()).group_by(AsnProfile.opd_id)).all())
    return render_template("admin/opds.html", opds=moderation.opds(), employees=employees, form=form), status


@bp.get("/opd")
def opds():
    return _opds_page(NewOpdForm(formdata=None))


@bp.post("/opd")
def create_opd():
    form = NewOpdForm()
    if form.validate_on_submit():
        try:
            opd = moderation.create_opd(current_user.id, form.code.data, form.name.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
            return _opds_page(form, error.status)
        flash(_("OPD %(code)s ditambahkan.", code=opd.code), "success")
        return redirect(url_for("admin.opds"))
    return _opds_page(form, 400)


def _opd_page(opd: Opd, form=None, reason_form=None, status: int = 200):
    employees = db.session.scalar(select(func.count(AsnProfile.id)).where(AsnProfile.opd_id == opd.id))
    return render_template("admin/opd_form.html", opd=opd, employees=employees,
                           form=form or OpdNameForm(obj=opd), reason_form=reason_form or ReasonForm(formdata=None),
                           history=_audit_for("opd", opd.id), action_label=moderation.action_label), status


@bp.route("/opd/<int:opd_id>", methods=["GET", "POST"])
def edit_opd(opd_id: int):
    opd = db.get_or_404(Opd, opd_id)
    form = OpdNameForm(obj=opd)
    if form.validate_on_submit():
        try:
            moderation.rename_opd(current_user.id, opd_id, form.name.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
            return _opd_page(opd, form=form, status=error.status)
        flash(_("OPD %(code)s tersimpan.", code=opd.code), "success")
        return redirect(url_for("admin.opds"))
    return _opd_page(opd, form=form)


@bp.post("/opd/<int:opd_id>/status")
def set_opd_status(opd_id: int):
    opd = db.get_or_404(Opd, opd_id)
    form = ReasonForm()
    form.validate_on_submit()
    active = request.form.get("aktif") == "1"
    try:
        moderation.set_opd_active(current_user.id, opd_id, active, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return _opd_page(opd, reason_form=form, status=error.status)
    flash(_("OPD %(code)s aktif kembali.", code=opd.code) if active
          else _("OPD %(code)s dinonaktifkan; tidak bisa dipilih lagi di profil ASN.", code=opd.code), "success")
    return redirect(url_for("admin.opds"))


# --- Audit log ----------------------------------------------------------------------------

def _audit_filters():
    """The filters of the audit page's query string, and the message for a bad date."""
    action = request.args.get("aksi", "").strip()
    actor_id = request.args.get("admin", type=int)
    days, error = {}, None
    for key in ("dari", "sampai"):
        if request.args.get(key):
            try:
                days[key] = parse_day(request.args[key])
            except PeriodError as exc:
                error = exc.message
    return {"action": action or None, "actor_id": actor_id, "date_from": days.get("dari"),
            "date_to": days.get("sampai")}, error


@bp.get("/audit")
def audit_log():
    filters, error = _audit_filters()
    pagination = db.paginate(moderation.audit_query(**filters), page=_page(), per_page=PER_PAGE, error_out=False)
    return render_template("admin/audit_log.html", pagination=pagination, filters=filters, filter_error=error,
                           targets=moderation.audit_targets(pagination.items), actions=moderation.audit_actions(),
                           actors=moderation.audit_actors(), action_label=moderation.action_label,
                           args={k: v for k, v in request.args.items() if k != "page" and v})


@bp.get("/audit/unduh.<ext>")
def export_audit(ext: str):
    if ext not in ("csv", "xlsx"):
        abort(404)
    filters, error = _audit_filters()
    if error:
        abort(400)
    entries = list(db.session.scalars(moderation.audit_query(**filters).limit(AUDIT_EXPORT_LIMIT)))
    table = report_tables.audit_table(entries, moderation.audit_targets(entries), moderation.action_label)
    stamp = wib_today().isoformat()
    content = report_tables.to_xlsx([table]) if ext == "xlsx" else report_tables.to_csv(table)
    return file_response(content, f"malpro-audit-{stamp}.{ext}")
