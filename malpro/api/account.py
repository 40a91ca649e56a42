"""Accounts: registration, tokens, the caller's profile and ASN declaration."""
from flask import Response, g, jsonify, request, send_file
from flask_babel import gettext as _

from malpro.api import bp
from malpro.api.auth import UnauthorizedError, token_required
from malpro.api.inputs import json_body, page_json, page_params
from malpro.api.serializers import user_json
from malpro.auth.throttle import password_reset_limits, register_limits, sign_in_limits
from malpro.extensions import db
from malpro.formatting import iso
from malpro.models import OutsidePurchase
from malpro.services import accounts, asn, outside_purchases, participation, password_reset, tokens
from malpro.services.errors import NotFoundError


@bp.post("/auth/register")
@register_limits
def register():
    body = json_body({"name": str, "email": str, "password": str, "phone": (str, type(None))},
                     required=("name", "email", "password"))
    user = accounts.register_user(body["name"], body["email"], body["password"], body.get("phone"))
    raw, _token = tokens.issue_token(user.id)
    return jsonify(user=user_json(user), token=raw), 201


@bp.post("/auth/token")
# Only failures count (401), so an app signing in often is never locked out by its own successes.
@sign_in_limits
def create_token():
    body = json_body({"email": str, "password": str}, required=("email", "password"))
    user = accounts.authenticate(body["email"], body["password"])
    if user is None:
        raise UnauthorizedError(_("Email atau kata sandi salah."))
    raw, token = tokens.issue_token(user.id)
    return jsonify(token=raw, expires_at=iso(token.expires_at), user=user_json(user))


@bp.delete("/auth/token")
@token_required()
def delete_token():
    tokens.revoke(g.api_token.id)
    return Response(status=204)


@bp.post("/auth/password-reset")
@password_reset_limits
def request_password_reset():
    """Email a reset link (the link opens the web page). The same 202 whether or not the
    address has an account."""
    body = json_body({"email": str}, required=("email",))
    password_reset.request_reset(body["email"])
    return jsonify(message=_("Jika email ini terdaftar, tautan untuk membuat kata sandi baru sudah dikirim. "
                             "Tautan berlaku satu jam.")), 202


@bp.put("/me/password")
@token_required()
def change_password():
    """Change the password; every other token and web session of the account ends, this
    token stays."""
    body = json_body({"current_password": str, "new_password": str}, required=("current_password", "new_password"))
    accounts.change_password(g.api_user, body["current_password"], body["new_password"], keep_token_id=g.api_token.id)
    return Response(status=204)


@bp.get("/me")
@token_required()
def me():
    return jsonify(user_json(g.api_user))


@bp.put("/me/asn")
@token_required()
def put_asn_profile():
    """A NIP another account declared is accepted like any other (unconfirmed): the answer
    never tells whether a NIP exists; the OPD's coordinator settles the conflict."""
    body = json_body({"kind": str, "nip": (str, type(None)), "opd_code": str}, required=("kind", "opd_code"))
    profile = asn.set_profile(g.api_user_id, body["kind"], body.get("nip"), body["opd_code"])
    return jsonify(asn.profile_json(profile))


@bp.get("/me/asn")
@token_required()
def get_asn_profile():
    """The profile with its confirmation state and this month's spending, both parts apart."""
    profile = asn.profile_of(g.api_user_id)
    if profile is None:
        raise NotFoundError(_("Belum ada profil ASN."))
    progress = participation.month_progress(g.api_user_id)
    return jsonify({**asn.profile_json(profile), "month": {
        "month": progress["period"].month_value, "minimum": progress["minimum"],
        "spent_malpro": progress["spent_malpro"], "spent_outside": progress["spent_outside"],
        "reached": progress["reached"]}})


@bp.post("/me/asn/purchases")
@token_required()
def report_outside_purchase():
    """multipart/form-data: date, shop_name, kecamatan, kelurahan, amount, description, photo."""
    form = request.form
    purchase = outside_purchases.report(
        g.api_user_id, purchase_date=form.get("date"), shop_name=form.get("shop_name"),
        kecamatan=form.get("kecamatan"), kelurahan=form.get("kelurahan"), amount=form.get("amount"),
        description=form.get("description"), photo=request.files.get("photo"))
    return jsonify(outside_purchases.purchase_json(purchase)), 201


@bp.get("/me/asn/purchases")
@token_required()
def list_outside_purchases():
    page, per_page = page_params()
    items, total = outside_purchases.list_for_user(g.api_user_id, page, per_page)
    return jsonify(page_json([outside_purchases.purchase_json(p) for p in items], page, per_page, total))


@bp.get("/me/asn/purchases/<int:purchase_id>/photo")
@token_required()
def outside_purchase_photo(purchase_id: int):
    """The report's photo (WebP), to its employee only through the API."""
    purchase = db.session.get(OutsidePurchase, purchase_id)
    if purchase is None or purchase.user_id != g.api_user_id:
        raise NotFoundError()
    path = outside_purchases.photo_path(purchase, "besar")
    if not path.is_file():
        raise NotFoundError()
    response = send_file(path, mimetype="image/webp", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
