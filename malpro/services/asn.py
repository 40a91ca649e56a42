"""ASN profiles (DOMAIN.md "People and roles", "The employees' programme") and the
programme's monthly minimum.

A buyer may declare that they work for the city: as ASN, with their NIP (18 digits, checked
by services.validation.normalize_nip), or as non-ASN, without one; and their agency (an active
OPD). The profile gives no discount and no right: it only feeds the participation report, and
only once a coordinator of that OPD (or an admin) has confirmed it (`unconfirmed` →
`confirmed` / `rejected` with a reason). A NIP another account already declared can still be
declared (nobody is told that it exists elsewhere): the coordinator settles the conflict by
confirming the right claim, which rejects the others (their owners are told). The NIP is
personal data: its owner, admins and the coordinators of its OPD see it, nobody else.

Participation figures are in services.participation (which imports this module, never the
other way round)."""
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from malpro.extensions import db
from malpro.models import AsnProfile, AuditLog, Opd, OpdOfficer, Setting, User, utcnow
from malpro.services.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from malpro.services.validation import normalize_nip

KINDS = ("asn", "non_asn")
MINIMUM_SETTING = "asn_monthly_minimum"
MINIMUM_MAX = 100_000_000


def profile_of(user_id: int) -> AsnProfile | None:
    return db.session.scalar(select(AsnProfile).where(AsnProfile.user_id == user_id))


def active_opds() -> list[Opd]:
    return list(db.session.scalars(select(Opd).where(Opd.active.is_(True)).order_by(Opd.name)))


def set_profile(user_id: int, kind: str, nip: str | None, opd_code: str | None) -> AsnProfile:
    """Create or replace the buyer's profile. Raises ValidationError (kind, nip, opd_code).
    A new or changed profile is `unconfirmed` until its OPD decides; saving the same values
    again keeps the decision. A NIP declared by another account is accepted the same way
    (its OPD sees the conflict), so the answer never tells whether a NIP exists."""
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

    profile = profile_of(user_id)
    if profile is not None and (profile.kind, profile.nip, profile.opd_id) == (kind, clean_nip, opd.id):
        return profile
    profile = profile or AsnProfile(user_id=user_id)
    profile.kind, profile.nip, profile.opd_id, profile.updated_at = kind, clean_nip, opd.id, utcnow()
    profile.status, profile.reason, profile.decided_by_id, profile.decided_at = "unconfirmed", None, None, None
    db.session.add(profile)
    db.session.commit()
    return profile


def remove_profile(user_id: int) -> None:
    db.session.execute(delete(AsnProfile).where(AsnProfile.user_id == user_id))
    db.session.commit()


def profile_json(profile: AsnProfile | None) -> dict | None:
    """The profile as API.md shows it on /me (the caller's own: the NIP is theirs)."""
    if profile is None:
        return None
    return {"kind": profile.kind, "nip": profile.nip, "opd_code": profile.opd.code,
            "status": profile.status, "reason": profile.reason}


def status_label(status: str) -> str:
    return {"unconfirmed": _("Menunggu konfirmasi OPD"), "confirmed": _("Dikonfirmasi"),
            "rejected": _("Ditolak")}.get(status, status)


# --- Decisions by the OPD's coordinators (or admins) ------------------------------------------

DECISIONS = ("confirm", "reject")
REASON_MAX = 500


def can_decide_for(actor: User, opd_id: int) -> bool:
    """Admins decide for every OPD; a coordinator for their own OPD only."""
    if actor.is_admin:
        return True
    return db.session.scalar(select(OpdOfficer.id).where(
        OpdOfficer.user_id == actor.id, OpdOfficer.opd_id == opd_id, OpdOfficer.role == "coordinator")) is not None


def decide_profile(actor_id: int, user_id: int, decision: str, reason: str | None = None) -> AsnProfile:
    """Confirm that the person works at the OPD their profile names, or reject it with a reason.
    Confirming an ASN profile rejects every other claim on the same NIP (those owners are told).
    NotFoundError when there is no such profile or it belongs to an OPD the actor does not
    coordinate (they must not learn it exists); ValidationError for a bad decision or a
    rejection without a reason. Audited; the employee is notified."""
    from malpro.services.notifications import in_language_of, notify

    actor = db.session.get(User, actor_id)
    profile = profile_of(user_id)
    if actor is None or profile is None or not can_decide_for(actor, profile.opd_id):
        raise NotFoundError()
    if actor_id == user_id and not actor.is_admin:
        raise ForbiddenError(_("Profil Anda sendiri dikonfirmasi oleh koordinator lain atau admin."))
    reason = " ".join((reason or "").split())
    if decision not in DECISIONS:
        raise ValidationError(fields={"decision": _("Pilih konfirmasi atau tolak.")})
    if decision == "reject" and not reason:
        raise ValidationError(fields={"reason": _("Tulis alasan penolakan agar pegawai dapat memperbaikinya.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(fields={"reason": _("Maksimal 500 karakter.")})
    now = utcnow()
    displaced = []
    if decision == "confirm" and profile.nip:
        displaced = list(db.session.scalars(select(AsnProfile).where(
            AsnProfile.nip == profile.nip, AsnProfile.id != profile.id, AsnProfile.status != "rejected")))
        for other in displaced:
            other.status, other.decided_by_id, other.decided_at = "rejected", actor_id, now
            with in_language_of(other.user_id):
                other.reason = _("NIP ini telah dikonfirmasi untuk akun lain oleh OPD-nya. Periksa NIP Anda.")
            db.session.add(AuditLog(actor_id=actor_id, action="asn.reject", target_type="asn_profile",
                                    target_id=other.user_id, reason=other.reason))
        # The other claims give way before this one takes the confirmed-NIP index.
        db.session.flush()
    profile.status = "confirmed" if decision == "confirm" else "rejected"
    profile.reason = reason or None if decision == "reject" else None
    profile.decided_by_id, profile.decided_at = actor_id, now
    db.session.add(AuditLog(actor_id=actor_id, action=f"asn.{decision}", target_type="asn_profile",
                            target_id=user_id, reason=reason or None))
    link = "/akun"
    with in_language_of(user_id):
        if decision == "confirm":
            notify(user_id, "asn_profile", _("Profil ASN Anda dikonfirmasi oleh %(opd)s", opd=profile.opd.name),
                   _("Belanja Anda kini dihitung dalam partisipasi OPD."), link)
        else:
            notify(user_id, "asn_profile", _("Profil ASN Anda ditolak oleh %(opd)s", opd=profile.opd.name),
                   _("Alasan: %(reason)s. Perbaiki profil Anda di halaman akun.", reason=reason), link)
    for other in displaced:
        with in_language_of(other.user_id):
            notify(other.user_id, "asn_profile", _("Profil ASN Anda ditolak"), other.reason, link)
    try:
        db.session.commit()
    except IntegrityError:
        # Two coordinators confirming two claims on one NIP at the same moment: the partial
        # unique index lets one win; the other is asked to look again.
        db.session.rollback()
        raise ConflictError(_("NIP ini baru saja dikonfirmasi untuk akun lain. Muat ulang halaman.")) from None
    return profile


def nip_conflicts(opd_id: int) -> list[AsnProfile]:
    """This OPD's open profiles whose NIP is also claimed by another account (in any OPD and
    not rejected): the coordinator decides who it belongs to."""
    shared = (select(AsnProfile.nip).where(AsnProfile.nip.is_not(None), AsnProfile.status != "rejected")
              .group_by(AsnProfile.nip).having(func.count() > 1))
    return list(db.session.scalars(select(AsnProfile).where(
        AsnProfile.opd_id == opd_id, AsnProfile.status != "rejected", AsnProfile.nip.in_(shared))
        .order_by(AsnProfile.nip, AsnProfile.id)))


def claims_elsewhere(profile: AsnProfile) -> int:
    """How many other open claims share this profile's NIP (no names: they may be another OPD's)."""
    if not profile.nip:
        return 0
    return db.session.scalar(select(func.count()).select_from(AsnProfile).where(
        AsnProfile.nip == profile.nip, AsnProfile.id != profile.id, AsnProfile.status != "rejected"))


def profiles_waiting(opd_id: int) -> list[AsnProfile]:
    return list(db.session.scalars(select(AsnProfile).where(
        AsnProfile.opd_id == opd_id, AsnProfile.status == "unconfirmed").order_by(AsnProfile.updated_at)))


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


def opd_by_code(code: str) -> Opd:
    opd = db.session.scalar(select(Opd).where(Opd.code == code))
    if opd is None:
        raise NotFoundError()
    return opd
