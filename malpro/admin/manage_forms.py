"""Forms of the admin management pages (accounts, listings, categories, OPDs, audit log).
They only carry the input and the CSRF token: the rules are services.moderation's."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Alasan"), validators=[Length(max=2000, message=_l("Alasan maksimal 2000 karakter."))],
                           render_kw={"rows": 3, "maxlength": 2000})


class CategoryForm(FlaskForm):
    name = StringField(_l("Nama"), render_kw={"maxlength": 80, "required": True})
    name_en = StringField(_l("Nama (Inggris)"), render_kw={"maxlength": 80, "required": True})
    icon = StringField(_l("Ikon (emoji)"), render_kw={"maxlength": 16},
                       description=_l("Satu emoji, tampil di beranda dan menu kategori."))


class NewOpdForm(FlaskForm):
    code = StringField(_l("Kode"), render_kw={"maxlength": 40, "required": True, "autocapitalize": "characters"},
                       description=_l("Huruf besar, angka atau tanda hubung; tidak dapat diubah kemudian."))
    name = StringField(_l("Nama OPD"), render_kw={"maxlength": 200, "required": True})


class OpdNameForm(FlaskForm):
    name = StringField(_l("Nama OPD"), render_kw={"maxlength": 200, "required": True})
