from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length


class DecisionForm(FlaskForm):
    """One admin decision on a store; the reason rule lives in services.verification."""

    decision = HiddenField()
    reason = TextAreaField(_l("Alasan"), render_kw={"rows": 3, "maxlength": 2000},
                           description=_l("Penjual akan membaca alasan ini. Tulis apa yang harus diperbaiki."))


class NewAdminForm(FlaskForm):
    name = StringField(_l("Nama"), validators=[DataRequired(_l("Nama wajib diisi.")),
                                                 Length(2, 120, _l("Nama harus 2-120 karakter."))])
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Email wajib diisi.")), Email(_l("Alamat email tidak valid."), check_deliverability=False)])
    password = PasswordField(_l("Kata sandi awal"), validators=[
        DataRequired(_l("Kata sandi wajib diisi.")), Length(min=8, message=_l("Kata sandi minimal 8 karakter."))],
        description=_l("Jika email sudah terdaftar, akun itu dijadikan admin dan kata sandinya tidak diubah."))
