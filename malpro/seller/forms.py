from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import NumberRange, Optional

from malpro.forms import kecamatan_choices, kelurahan_choices

DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class StoreApplicationForm(FlaskForm):
    """The application. Rules are checked by services.verification (one place for web and
    API); the form only collects values, so field checks here are about types."""

    name = StringField(_l("Nama toko"), description=_l("Nama usaha seperti yang dikenal pembeli."))
    nib = StringField(_l("NIB (Nomor Induk Berusaha)"), description=_l("13 digit, dari OSS (oss.go.id)."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    phone = TelField(_l("Nomor HP / WhatsApp"), description=_l("Pembeli menghubungi Anda lewat nomor ini."),
                     render_kw={"inputmode": "tel", "autocomplete": "tel"})
    address = StringField(_l("Alamat usaha"), description=_l("Nama jalan, nomor, RT/RW."),
                          render_kw={"autocomplete": "street-address"})
    kecamatan = SelectField(_l("Kecamatan"), choices=kecamatan_choices, validate_choice=False)
    kelurahan = SelectField(_l("Kelurahan"), choices=[], validate_choice=False)
    description = TextAreaField(_l("Deskripsi toko"), render_kw={"rows": 3, "maxlength": 2000})
    delivery = BooleanField(_l("Antar ke pembeli, bayar di tempat (COD)"))
    pickup = BooleanField(_l("Pembeli ambil sendiri di toko"))
    delivery_fee = IntegerField(_l("Ongkos kirim (Rp)"), validators=[
        Optional(), NumberRange(min=0, message=_l("Ongkos kirim tidak boleh negatif."))],
        description=_l("Untuk pesanan COD di Kota Malang. Isi 0 jika gratis."),
        render_kw={"inputmode": "numeric", "min": 0, "step": 500})
    logo = FileField(_l("Logo toko (opsional)"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    documents = MultipleFileField(_l("Dokumen legalitas"), render_kw={"accept": DOCUMENT_ACCEPT},
                                  description=_l("Sertifikat NIB wajib; boleh ditambah izin lain (PIRT, halal). "
                                                 "PDF, JPEG atau PNG, maks. 5 MB per berkas."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kelurahan.choices = kelurahan_choices(self.kecamatan.data)

    def application_data(self) -> dict:
        return {key: getattr(self, key).data for key in (
            "name", "nib", "phone", "address", "kecamatan", "kelurahan", "description", "delivery", "pickup",
            "delivery_fee")}


class StoreProfileForm(FlaskForm):
    opening_hours = StringField(_l("Jam buka"), description=_l("Contoh: Senin-Sabtu 08.00-17.00"),
                                render_kw={"maxlength": 255})
    closed_from = DateField(_l("Libur mulai"), validators=[Optional()])
    closed_until = DateField(_l("Libur sampai"), validators=[Optional()])
    closed_note = StringField(_l("Catatan libur"), description=_l("Contoh: Libur Lebaran, buka lagi 15 April."),
                              render_kw={"maxlength": 255})
