"""Accounts: registration, tokens, the caller's profile and ASN declaration."""
from flask import Response, g, jsonify, request
from flask_babel import gettext as _

from malpro.api import bp
from malpro.api.auth import UnauthorizedError, token_required
from malpro.api.inputs import json_body
from malpro.api.serializers import user_json
from malpro.extensions import limiter
from malpro.formatting import iso
from malpro.services import accounts, asn, tokens


def _address_and_email() -> str:
    """The key of the failed-token limit: the caller's address and the email tried."""
    body = request.get_json(force=True, silent=True)
    email = body.get("email") if isinstance(body, dict) and isinstance(body.get("email"), str) else ""
    return f"token:{request.remote_addr}:{accounts.normalize_email(email)}"


@bp.post("/auth/register")
@limiter.limit("5 per minute", key_func=lambda: f"register:{request.remote_addr}")
def register():
    body = json_body({"name": str, "email": str, "password": str, "phone": (str, type(None))},
                     required=("name", "email", "password"))
    user = accounts.register_user(body["name"], body["email"], body["password"], body.get("phone"))
    raw, _token = tokens.issue_token(user.id)
    return jsonify(user=user_json(user), token=raw), 201


@bp.post("/auth/token")
# Only failures count, so an app signing in often is never locked out by its own successes.
@limiter.limit("10 per minute", key_func=_address_and_email, deduct_when=lambda response: response.status_code == 401)
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
