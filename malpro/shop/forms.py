from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TelField, TextAreaField

from malpro.forms import kecamatan_choices, kelurahan_choices


class CheckoutForm(FlaskForm):
    """The checkout's delivery address and one-time key. The fulfilment choice per store
    (`fulfilment-<store id>`) and the chosen stores (`store`) are read from the request,
    since their number depends on the cart; all rules live in services.checkout."""

    checkout_key = HiddenField()
    recipient = StringField(_l("Nama penerima"), render_kw={"autocomplete": "name", "maxlength": 120})
    phone = TelField(_l("Nomor HP penerima"), render_kw={"autocomplete": "tel", "inputmode": "tel"})
    street = StringField(_l("Alamat"), description=_l("Nama jalan, nomor rumah, RT/RW, patokan."),
                         render_kw={"autocomplete": "street-address", "maxlength": 255})
    kecamatan = SelectField(_l("Kecamatan"), choices=kecamatan_choices, validate_choice=False)
    kelurahan = SelectField(_l("Kelurahan"), choices=[], validate_choice=False)
    notes = TextAreaField(_l("Catatan untuk penjual (opsional)"), render_kw={"rows": 2, "maxlength": 255})
    save_address = BooleanField(_l("Simpan alamat ini untuk pesanan berikutnya"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every kelurahan, grouped by kecamatan (<optgroup>): without JavaScript a buyer who
        # changes the kecamatan still finds the right kelurahan; with it, htmx narrows the list.
        self.kelurahan.choices = kelurahan_choices(None)

    def address(self) -> dict:
        return {key: getattr(self, key).data for key in ("recipient", "phone", "street", "kecamatan", "kelurahan",
                                                          "notes")}


class KelurahanForm(FlaskForm):
    """Only for rendering the kelurahan <select> fragment."""

    class Meta:
        csrf = False

    kelurahan = SelectField(_l("Kelurahan"), choices=[], validate_choice=False)
