"""OPD officers (DOMAIN.md "The employees' programme"): the accounts an admin assigns to act for
one OPD. A `coordinator` runs the programme for the OPD's staff (confirms profiles, reviews
purchases outside Malpro, follows and exports participation); a `mentor` (mentoring-agency
officer) follows the stores the agency mentors (binaan). One account holds at most one such
role, for one OPD. Every assignment and removal is audited and the account is told."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from malpro.extensions import db
from malpro.models import OFFICER_ROLES, AuditLog, Opd, OpdOfficer, User
from malpro.services import accounts
from malpro.services.errors import ConflictError, NotFoundError, ValidationError


def officer_of(user_id: int) -> OpdOfficer | None:
    return db.session.scalar(select(OpdOfficer).where(OpdOfficer.user_id == user_id))


def coordinated_opd(user_id: int) -> Opd | None:
    """The OPD this account coordinates, or None."""
    officer = officer_of(user_id)
    return officer.opd if officer is not None and officer.role == "coordinator" else None


def officers(opd_id: int | None = None) -> list[OpdOfficer]:
    query = select(OpdOfficer).join(Opd, Opd.id == OpdOfficer.opd_id).order_by(Opd.name, OpdOfficer.id)
    if opd_id is not None:
        query = query.where(OpdOfficer.opd_id == opd_id)
    return list(db.session.scalars(query))


def coordinators_of(opd_id: int) -> list[User]:
    return list(db.session.scalars(select(User).join(OpdOfficer, OpdOfficer.user_id == User.id).where(
        OpdOfficer.opd_id == opd_id, OpdOfficer.role == "coordinator", User.active.is_(True))))


def role_label(role: str) -> str:
    return _("Koordinator OPD") if role == "coordinator" else _("Petugas pembina UMKM")


def assign(admin_id: int, email: str, opd_code: str, role: str = "coordinator") -> OpdOfficer:
    """Make an existing account a coordinator (or mentoring officer) of an OPD.
    ValidationError for an unknown email, OPD or role; ConflictError when the account already
    acts for an OPD (remove that first)."""
    from malpro.services.notifications import in_language_of, notify

    fields = {}
    user = db.session.scalar(select(User).where(User.email == accounts.normalize_email(email or "")))
    if user is None or not user.active:
        fields["email"] = _("Tidak ada akun aktif dengan email ini. Minta pegawai mendaftar dulu.")
    opd = db.session.scalar(select(Opd).where(Opd.code == (opd_code or "").strip()))
    if opd is None or not opd.active:
        fields["opd_code"] = _("Pilih perangkat daerah (OPD).")
    if role not in OFFICER_ROLES:
        fields["role"] = _("Pilih peran.")
    if fields:
        raise ValidationError(fields=fields)
    existing = officer_of(user.id)
    if existing is not None:
        message = _("Akun ini sudah menjadi %(role)s %(opd)s. Cabut dulu peran itu.",
                    role=role_label(existing.role).lower(), opd=existing.opd.name)
        raise ConflictError(message, fields={"email": message})
    officer = OpdOfficer(user_id=user.id, opd_id=opd.id, role=role, created_by_id=admin_id)
    db.session.add(officer)
    db.session.add(AuditLog(actor_id=admin_id, action=f"officer.assign.{role}", target_type="user",
                            target_id=user.id, reason=f"{opd.code}: {opd.name}"))
    with in_language_of(user):
        notify(user.id, "opd_officer", _("Anda kini %(role)s %(opd)s", role=role_label(role).lower(), opd=opd.name),
               _("Buka halaman OPD untuk mulai bekerja."), "/opd/")
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        message = _("Akun ini sudah menjadi petugas OPD lain.")
        raise ConflictError(message, fields={"email": message}) from None
    return officer


def remove(admin_id: int, officer_id: int, reason: str | None = None) -> None:
    from malpro.services.notifications import in_language_of, notify

    officer = db.session.get(OpdOfficer, officer_id)
    if officer is None:
        raise NotFoundError()
    opd, user_id, role = officer.opd, officer.user_id, officer.role
    note = f"{opd.code}: {opd.name}" + (f". {reason.strip()}" if reason and reason.strip() else "")
    db.session.delete(officer)
    db.session.add(AuditLog(actor_id=admin_id, action=f"officer.remove.{role}", target_type="user",
                            target_id=user_id, reason=note))
    with in_language_of(user_id):
        notify(user_id, "opd_officer", _("Peran Anda di %(opd)s dicabut", opd=opd.name), "", "/akun")
    db.session.commit()
