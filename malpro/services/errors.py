"""Domain errors. Each carries an API error code and an HTTP status, so the web views can
flash `message` (or show `fields` on the form) and the API can answer the error shape."""
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    code = "bad_request"
    status = 400
    default_message = _l("Permintaan tidak valid.")

    def __init__(self, message=None, fields: dict | None = None):
        self.message = str(message or self.default_message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        super().__init__(self.message)


class ValidationError(DomainError):
    code = "validation_error"
    status = 422
    default_message = _l("Periksa kembali isian Anda.")


class NotFoundError(DomainError):
    code = "not_found"
    status = 404
    default_message = _l("Data tidak ditemukan.")


class ForbiddenError(DomainError):
    code = "forbidden"
    status = 403
    default_message = _l("Anda tidak berhak melakukan ini.")


class ConflictError(DomainError):
    code = "conflict"
    status = 409
    default_message = _l("Permintaan bertentangan dengan keadaan data saat ini.")


class OutOfStockError(DomainError):
    code = "out_of_stock"
    status = 422
    default_message = _l("Stok tidak mencukupi.")


class StoreUnavailableError(DomainError):
    code = "store_unavailable"
    status = 422
    default_message = _l("Toko sedang tidak dapat menerima pesanan.")


class TooManyPendingOrdersError(DomainError):
    code = "too_many_pending_orders"
    status = 422
    default_message = _l("Anda masih memiliki terlalu banyak pesanan yang menunggu konfirmasi.")


class FileTooLargeError(ValidationError):
    """An upload over its size limit: a field error on a web form, 413 in the API (API.md)."""

    code = "payload_too_large"
    status = 413
    default_message = _l("Berkas terlalu besar.")
