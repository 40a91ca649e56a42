"""Programme reminders (`flask --app malpro remind-asn`, run daily by deploy/malpro-remind-asn.timer).

- From the 20th of the month (WIB), every employee with a confirmed profile and an active
  account who has not reached the monthly minimum yet is told, in their language, how much is
  left, with a link to the shop.
- From the 25th, every coordinator gets their OPD's summary of the month.
Each person gets each kind at most once a month (reminder_log's unique key), however often the
command runs; email goes too when mail is configured (services.notifications)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from malpro.extensions import db
from malpro.formatting import rupiah
from malpro.models import OpdOfficer, ReminderLog, User
from malpro.services import participation
from malpro.services.asn import get_monthly_minimum, profiles_waiting
from malpro.services.notifications import in_language_of, notify
from malpro.services.outside_purchases import for_opd
from malpro.services.periods import Period, percent, wib_today

EMPLOYEE_DAY = 20
COORDINATOR_DAY = 25
EMPLOYEE_KIND = "asn_minimum"
COORDINATOR_KIND = "opd_summary"


def _already(kind: str, month: str) -> set[int]:
    return set(db.session.scalars(select(ReminderLog.user_id).where(ReminderLog.kind == kind,
                                                                     ReminderLog.month == month)))


def send_reminders(today: date | None = None) -> dict:
    """Send what is due on `today` (WIB; today by default). Returns how many of each went."""
    today = today or wib_today()
    period = Period.month(today.year, today.month)
    month = period.month_value
    sent = {"employees": 0, "coordinators": 0}
    if today.day >= EMPLOYEE_DAY:
        minimum = get_monthly_minimum()
        done = _already(EMPLOYEE_KIND, month)
        for row in participation.opd_employees(None, period, minimum=minimum, confirmed_only=True):
            if row["reached"] or not row["active"] or row["user_id"] in done:
                continue
            _remind_employee(row, minimum, month)
            sent["employees"] += 1
        db.session.commit()
    if today.day >= COORDINATOR_DAY:
        done = _already(COORDINATOR_KIND, month)
        coordinators = db.session.scalars(
            select(OpdOfficer).join(User, User.id == OpdOfficer.user_id)
            .where(OpdOfficer.role == "coordinator", User.active.is_(True)))
        for officer in coordinators:
            if officer.user_id in done:
                continue
            _summarise(officer, period)
            sent["coordinators"] += 1
        db.session.commit()
    return sent


def _remind_employee(row: dict, minimum: int, month: str) -> None:
    left = max(0, minimum - row["spent_total"])
    db.session.add(ReminderLog(user_id=row["user_id"], kind=EMPLOYEE_KIND, month=month))
    with in_language_of(row["user_id"]):
        notify(row["user_id"], "asn_reminder",
               _("Kurang %(left)s lagi untuk belanja minimum bulan ini", left=rupiah(left)),
               _("Anda sudah belanja %(spent)s dari %(minimum)s (di Malpro %(malpro)s, luar Malpro %(outside)s). "
                 "Yuk belanja di UMKM Kota Malang.", spent=rupiah(row["spent_total"]), minimum=rupiah(minimum),
                 malpro=rupiah(row["spent"]), outside=rupiah(row["spent_outside"])),
               "/")


def _summarise(officer: OpdOfficer, period: Period) -> None:
    rows = participation.asn_participation(period, opd_ids=[officer.opd_id])
    figures = rows[0] if rows else {"employees": 0, "reached_minimum": 0, "spent": 0, "spent_outside": 0}
    waiting = len(profiles_waiting(officer.opd_id))
    pending = len(for_opd(officer.opd_id, "pending"))
    db.session.add(ReminderLog(user_id=officer.user_id, kind=COORDINATOR_KIND, month=period.month_value))
    with in_language_of(officer.user_id):
        notify(officer.user_id, "opd_summary",
               _("Ringkasan %(opd)s bulan %(month)s", opd=officer.opd.name, month=period.label),
               _("%(reached)d dari %(employees)d pegawai mencapai minimum (%(share)d%%). "
                 "Belanja di Malpro %(malpro)s, luar Malpro %(outside)s. "
                 "%(waiting)d profil dan %(pending)d laporan belanja menunggu pemeriksaan.",
                 reached=figures["reached_minimum"], employees=figures["employees"],
                 share=percent(figures["reached_minimum"], figures["employees"]),
                 malpro=rupiah(figures["spent"]), outside=rupiah(figures["spent_outside"]),
                 waiting=waiting, pending=pending),
               "/opd/")
