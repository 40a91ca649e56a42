from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, StopValidation

from malpro.services.validation import normalize_phone


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Email wajib diisi.")),
                                                Length(max=254, message=_l("Alamat email tidak valid."))])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Kata sandi wajib diisi."))])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Nama wajib diisi.")),
                                                              Length(2, 120, _l("Nama harus 2-120 karakter."))])
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Email wajib diisi.")), Email(_l("Alamat email tidak valid."), check_deliverability=False),
    ])
    phone = TelField(_l("Nomor HP / WhatsApp"), validators=[Optional()],
                     description=_l("Contoh: 081234567890"))
    password = PasswordField(_l("Kata sandi"), validators=[
        DataRequired(_l("Kata sandi wajib diisi.")), Length(min=8, message=_l("Kata sandi minimal 8 karakter.")),
    ])
    confirm = PasswordField(_l("Ulangi kata sandi"), validators=[
        EqualTo("password", _l("Kedua kata sandi tidak sama.")),
    ])

    def validate_phone(self, field):
        """Checked with the other fields, so every error shows at once (the service checks it again)."""
        if field.data:
            try:
                normalize_phone(field.data)
            except ValueError as exc:
                raise StopValidation(str(exc)) from None


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(_l("Wajib diisi."))])
    new_password = PasswordField(_l("Kata sandi baru"), validators=[
        DataRequired(_l("Wajib diisi.")), Length(min=8, message=_l("Kata sandi minimal 8 karakter.")),
    ])
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[
        EqualTo("new_password", _l("Kedua kata sandi tidak sama.")),
    ])
