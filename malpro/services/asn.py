"""ASN profiles (DOMAIN.md "People and roles") and the programme's monthly minimum.

A buyer may declare that they work for the city: as ASN, with their NIP (18 digits, checked
by services.validation.normalize_nip, one account per NIP), or as non-ASN, without one; and
their agency (an active OPD). The profile gives no discount and no right: it only feeds the
participation report. The NIP is personal data: only its owner and admins ever see it."""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from malpro.extensions import db
from malpro.models import AsnProfile, AuditLog, Opd, Setting, utcnow
from malpro.services.errors import ConflictError, NotFoundError, ValidationError
from malpro.services.validation import normalize_nip

KINDS = ("asn", "non_asn")
MINIMUM_SETTING = "asn_monthly_minimum"
MINIMUM_MAX = 100_000_000


def profile_of(user_id: int) -> AsnProfile | None:
    return db.session.scalar(select(AsnProfile).where(AsnProfile.user_id == user_id))


def active_opds() -> list[Opd]:
    return list(db.session.scalars(select(Opd).where(Opd.active.is_(True)).order_by(Opd.name)))


def set_profile(user_id: int, kind: str, nip: str | None, opd_code: str | None) -> AsnProfile:
    """Create or replace the buyer's profile. Raises ValidationError (kind, nip, opd_code) or
    ConflictError on `nip` when another account already declared that NIP."""
    fields = {}
    kind = (kind or "").strip()
    if kind not in KINDS:
        fields["kind"] = _("Pilih ASN atau non-ASN.")
    clean_nip = None
    if kind == "asn":
        try:
            clean_nip = normalize_nip(nip or "")
        except ValueError as exc:
            fields["nip"] = str(exc)
    opd = db.session.scalar(select(Opd).where(Opd.code == (opd_code or "").strip()))
    if opd is None or not opd.active:
        fields["opd_code"] = _("Pilih perangkat daerah (OPD) tempat Anda bekerja.")
    if fields:
        raise ValidationError(fields=fields)
    if clean_nip and db.session.scalar(
            select(AsnProfile.id).where(AsnProfile.nip == clean_nip, AsnProfile.user_id != user_id)) is not None:
        raise _nip_taken()

    profile = profile_of(user_id) or AsnProfile(user_id=user_id)
    profile.kind, profile.nip, profile.opd_id, profile.updated_at = kind, clean_nip, opd.id, utcnow()
    db.session.add(profile)
    try:
        db.session.commit()
    except IntegrityError:
        # Two accounts declaring the same NIP at the same moment: the unique index decides.
        db.session.rollback()
        raise _nip_taken() from None
    return profile


def _nip_taken() -> ConflictError:
    message = _("NIP ini sudah dipakai akun lain. Hubungi admin Malpro jika ini NIP Anda.")
    return ConflictError(message, fields={"nip": message})


def remove_profile(user_id: int) -> None:
    db.session.execute(delete(AsnProfile).where(AsnProfile.user_id == user_id))
    db.session.commit()


def profile_json(profile: AsnProfile | None) -> dict | None:
    """The profile as API.md shows it on /me (the caller's own: the NIP is theirs)."""
    if profile is None:
        return None
    return {"kind": profile.kind, "nip": profile.nip, "opd_code": profile.opd.code}


def kind_label(kind: str) -> str:
    return _("ASN") if kind == "asn" else _("Non-ASN")


# --- The monthly minimum ------------------------------------------------------------------

def get_monthly_minimum() -> int:
    """The amount each employee is asked to spend on local UMKM a month (whole rupiah)."""
    value = db.session.scalar(select(Setting.value).where(Setting.key == MINIMUM_SETTING))
    if value is not None and value.isascii() and value.isdigit():
        return int(value)
    return int(current_app.config["ASN_MONTHLY_MINIMUM"])


def set_monthly_minimum(admin_id: int, amount, reason: str | None = None) -> int:
    """Change the minimum (audited with the old and new amounts)."""
    if isinstance(amount, str) and amount.strip().isascii() and amount.strip().isdigit():
        amount = int(amount.strip())
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1_000 <= amount <= MINIMUM_MAX:
        raise ValidationError(fields={"amount": _("Isi bilangan bulat rupiah antara 1.000 dan 100.000.000.")})
    from malpro.formatting import rupiah

    old = get_monthly_minimum()
    setting = db.session.get(Setting, MINIMUM_SETTING)
    if setting is None:
        setting = Setting(key=MINIMUM_SETTING, value=str(amount))
        db.session.add(setting)
    setting.value, setting.updated_at = str(amount), utcnow()
    note = f"{rupiah(old)} → {rupiah(amount)}"
    reason = (reason or "").strip()
    db.session.add(AuditLog(actor_id=admin_id, action="setting.asn_minimum", target_type="setting",
                            reason=f"{note}. {reason}" if reason else note))
    db.session.commit()
    return amount


# --- The buyer's own month ----------------------------------------------------------------

def month_progress(user_id: int) -> dict:
    """This WIB month: what the buyer spent (completed orders), the minimum, the share."""
    from malpro.services import reports

    period = reports.this_month()
    spent = reports.buyer_spending(user_id, period)
    minimum = get_monthly_minimum()
    return {"period": period, "spent": spent, "minimum": minimum, "reached": spent >= minimum,
            "percent": min(100, reports.percent(spent, minimum)), "remaining": max(0, minimum - spent)}


def opd_by_code(code: str) -> Opd:
    opd = db.session.scalar(select(Opd).where(Opd.code == code))
    if opd is None:
        raise NotFoundError()
    return opd
