"""Accounts: registration, tokens, the caller's profile and ASN declaration."""
from flask import Response, g, jsonify
from flask_babel import gettext as _

from malpro.api import bp
from malpro.api.auth import UnauthorizedError, token_required
from malpro.api.inputs import json_body
from malpro.api.serializers import user_json
from malpro.auth.throttle import password_reset_limits, register_limits, sign_in_limits
from malpro.formatting import iso
from malpro.services import accounts, asn, password_reset, tokens


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
    body = json_body({"kind": str, "nip": (str, type(None)), "opd_code": str}, required=("kind", "opd_code"))
    profile = asn.set_profile(g.api_user_id, body["kind"], body.get("nip"), body["opd_code"])
    return jsonify(asn.profile_json(profile))
