"""The OpenAPI 3.1 description of the API (shared/API.md), built once as a plain dict.

It is kept truthful by tests: its paths and methods must equal the app's URL map under
/api/v1, and every response the API tests receive is validated against its schemas. Response
objects are closed (`additionalProperties: false`), so a field added to a serializer and not
here fails those tests. The reference page /api/v1/docs is rendered from this same dict."""
from copy import deepcopy

from malpro.models import ORDER_STATUSES, STORE_STATUSES
from malpro.reference import categories, kecamatan_names
from malpro.services.checkout import FULFILMENT_MODES
from malpro.services.products import STATUSES as PRODUCT_FILTERS

JSON = "application/json"
ERROR_CODES = ("bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict",
               "payload_too_large", "validation_error", "out_of_stock", "store_unavailable",
               "too_many_pending_orders", "rate_limited", "internal_error")
SORTS = ("relevance", "newest", "price_asc", "price_desc", "rating")

# --- schema helpers -------------------------------------------------------------------------

INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
RUPIAH = {"type": "integer", "minimum": 0, "description": "Rupiah (bilangan bulat)."}
DATETIME = {"type": "string", "format": "date-time", "description": "ISO 8601, WIB (+07:00)."}
URL = {"type": "string", "format": "uri"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def obj(properties: dict, required=None, description: str | None = None) -> dict:
    """A closed object; every property is required unless `required` says otherwise."""
    schema = {"type": "object", "properties": properties,
              "required": list(properties if required is None else required), "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def extend(base: dict, properties: dict, description: str | None = None) -> dict:
    schema = deepcopy(base)
    schema["properties"].update(properties)
    schema["required"] = list(schema["required"]) + [k for k in properties if k not in schema["required"]]
    if description:
        schema["description"] = description
    return schema


def page_of(item: str) -> dict:
    return obj({"items": array(ref(item)), "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                "total": {"type": "integer", "minimum": 0}},
               description=f"Satu halaman {item}.")


def enum(values, **extra) -> dict:
    return {"type": "string", "enum": list(values), **extra}


# --- schemas --------------------------------------------------------------------------------

RATING = obj({"average": nullable({"type": "number", "minimum": 1, "maximum": 5}),
              "count": {"type": "integer", "minimum": 0}},
             description="`average` dibulatkan satu desimal; null selama `count` 0.")
FULFILMENT = obj({"delivery": BOOL, "pickup": BOOL, "delivery_fee": RUPIAH},
                 description="Cara pesanan diterima: antar (COD) dan/atau ambil sendiri, dan ongkos kirimnya.")
STORE_REF = obj({"id": INT, "slug": STR, "name": STR, "kecamatan": STR})
PRODUCT_SUMMARY = obj({
    "id": INT, "name": STR, "price": RUPIAH, "unit": STR,
    "stock": nullable({"type": "integer", "minimum": 0, "description": "null: tidak terbatas (jasa)."}),
    "image_url": nullable(URL), "category": ref("CategoryRef"), "store": STORE_REF, "rating": ref("Rating"),
})
STORE_PUBLIC = obj({
    "id": INT, "slug": STR, "name": STR, "description": STR, "kecamatan": STR, "kelurahan": STR, "address": STR,
    "whatsapp_url": URL, "verified": BOOL, "rating": ref("Rating"), "fulfilment": ref("Fulfilment"),
    "logo_url": nullable(URL), "opening_hours": nullable(STR),
}, description="Toko terverifikasi seperti dilihat publik: tanpa NIB dan data pribadi.")
STORE_OWNER = extend(STORE_PUBLIC, {
    "nib": STR, "phone": STR, "status": enum(STORE_STATUSES), "status_reason": nullable(STR),
    "submitted_at": DATETIME, "verified_at": nullable(DATETIME), "documents": array(ref("Document")),
}, description="Toko milik sendiri (dan untuk admin): dengan NIB, nomor HP, status dan dokumen.")
ORDER = obj({
    "code": {"type": "string", "examples": ["MLP-20261129-000123"]},
    "status": enum(ORDER_STATUSES), "status_label": STR, "fulfilment": enum(FULFILMENT_MODES),
    "store": obj({"id": INT, "slug": STR, "name": STR, "address": STR, "kecamatan": STR, "kelurahan": STR,
                  "whatsapp_url": URL}),
    "items": array(obj({"product_id": nullable(INT), "name": STR, "price": RUPIAH,
                        "quantity": {"type": "integer", "minimum": 1}, "subtotal": RUPIAH})),
    "subtotal": RUPIAH, "delivery_fee": RUPIAH, "total": RUPIAH,
    "address": nullable(ref("Address")),
    "events": array(obj({"status": enum(ORDER_STATUSES), "at": DATETIME, "note": nullable(STR)})),
    "cancel_reason": nullable(STR), "created_at": DATETIME,
}, description="Pesanan (satu per toko). `address` hanya untuk pesanan antar (COD); pesanan ambil sendiri "
               "diambil di alamat toko.")
ADDRESS_PROPS = {"recipient": STR, "phone": STR, "street": STR, "kecamatan": STR, "kelurahan": STR,
                 "notes": nullable(STR)}
PRODUCT_INPUT_PROPS = {
    "name": {"type": "string", "minLength": 3, "maxLength": 120},
    "category": enum([c["slug"] for c in categories()], description="Slug kategori."),
    "price": {"type": "integer", "minimum": 100, "maximum": 1_000_000_000},
    "stock": nullable({"type": "integer", "minimum": 0, "description": "null: tidak terbatas (jasa)."}),
    "max_per_order": nullable({"type": "integer", "minimum": 1, "maximum": 999,
                               "description": "Paling banyak per pesanan selama stok terbatas; null: bawaan 20. "
                                              "Produk dengan stok tidak terbatas tidak dibatasi."}),
    "unit": {"type": "string", "maxLength": 20, "examples": ["pcs", "kg", "paket", "jam"]},
    "description": nullable(STR), "active": BOOL,
    "halal_number": nullable(STR), "pirt_number": nullable(STR), "bpom_number": nullable(STR),
}
STORE_INPUT_PROPS = {
    "name": STR, "nib": {"type": "string", "description": "13 digit (spasi diabaikan); unik."},
    "phone": {"type": "string", "description": "08…, 628… atau +628…"}, "address": STR,
    "kecamatan": enum(kecamatan_names()), "kelurahan": STR, "description": nullable(STR),
    "delivery": BOOL, "pickup": BOOL, "delivery_fee": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
}
ERROR = obj({"error": obj({
    "code": enum(ERROR_CODES),
    "message": {"type": "string", "description": "Pesan untuk manusia, dalam bahasa Indonesia."},
    "fields": {"type": "object", "additionalProperties": STR,
               "description": "Pesan per field (atau per parameter), bila ada."},
}, required=["code", "message"])}, description="Bentuk setiap galat API.")

SCHEMAS = {
    "Error": ERROR,
    "User": obj({
        "id": INT, "name": STR, "email": {"type": "string", "format": "email"}, "phone": nullable(STR),
        "is_admin": BOOL,
        "store": nullable(obj({"id": INT, "slug": STR, "status": enum(STORE_STATUSES)})),
        "asn": nullable(ref("AsnProfile")),
    }),
    "AsnProfile": obj({"kind": enum(("asn", "non_asn")), "nip": nullable(STR), "opd_code": STR},
                      description="Profil ASN/non-ASN; NIP hanya untuk ASN (18 digit)."),
    "AsnProfileInput": obj({"kind": enum(("asn", "non_asn")), "nip": nullable(STR), "opd_code": STR},
                           required=["kind", "opd_code"]),
    "RegisterInput": obj({"name": STR, "email": STR, "password": {"type": "string", "minLength": 8},
                          "phone": nullable(STR)}, required=["name", "email", "password"],
                         description="Field peran (is_admin, role) diabaikan; field lain yang tidak dikenal: 400."),
    "Registered": obj({"user": ref("User"), "token": STR}),
    "TokenInput": obj({"email": STR, "password": STR}),
    "Token": obj({"token": {"type": "string", "description": "Ditampilkan sekali; kirim sebagai Bearer."},
                  "expires_at": DATETIME, "user": ref("User")}),
    "Region": obj({"kecamatan": STR, "kelurahan": array(STR)}),
    "Category": obj({"slug": STR, "name": STR, "product_count": {"type": "integer", "minimum": 0}}),
    "CategoryRef": obj({"slug": STR, "name": STR}),
    "Rating": RATING,
    "Fulfilment": FULFILMENT,
    "ProductSummary": PRODUCT_SUMMARY,
    "ProductPage": page_of("ProductSummary"),
    "ProductDetail": extend(PRODUCT_SUMMARY, {
        "description": STR, "images": array(URL),
        "store": extend(STORE_REF, {"whatsapp_url": URL, "fulfilment": ref("Fulfilment")}),
    }),
    "Store": STORE_PUBLIC,
    "Cart": obj({"groups": array(obj({
        "store": obj({"id": INT, "slug": STR, "name": STR, "fulfilment": ref("Fulfilment")}),
        "items": array(obj({"product_id": INT, "name": STR, "price": RUPIAH,
                            "quantity": {"type": "integer", "minimum": 1}, "subtotal": RUPIAH,
                            "available": BOOL,
                            "problem": nullable({"type": "string",
                                                 "description": "Mengapa belum bisa dipesan (stok, toko)."})})),
        "subtotal": RUPIAH,
    })), "total": RUPIAH}, description="Keranjang, dikelompokkan per toko."),
    "CartQuantityInput": obj({"quantity": {"type": "integer", "minimum": 0, "maximum": 999,
                                           "description": "0 menghapus barang."}}),
    "Address": obj(ADDRESS_PROPS),
    "AddressInput": obj(ADDRESS_PROPS, required=["recipient", "phone", "street", "kecamatan", "kelurahan"],
                        description="Alamat COD di Kota Malang."),
    "CheckoutInput": obj({
        "store_ids": nullable(array(INT, description="Toko yang dipesan; tidak diisi: semua toko di keranjang.")),
        "fulfilment": {"type": "object", "additionalProperties": enum(FULFILMENT_MODES),
                       "description": "id toko → \"delivery\" atau \"pickup\"; boleh tidak diisi untuk toko "
                                      "yang hanya melayani satu cara."},
        "address": nullable(ref("AddressInput")),
    }, required=[], description="`address` wajib bila ada toko dengan cara `delivery`; diabaikan untuk pickup."),
    "PlacedOrders": obj({"orders": array(ref("Order"))}),
    "Order": ORDER,
    "OrderPage": page_of("Order"),
    "CancelInput": obj({"note": nullable(STR)}, required=[]),
    "ReviewInput": array(obj({"product_id": INT, "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                              "comment": nullable(STR)}, required=["product_id", "rating"]), minItems=1),
    "Review": obj({"product_id": INT, "rating": {"type": "integer", "minimum": 1, "maximum": 5}, "comment": STR}),
    "StoreApplicationInput": obj(STORE_INPUT_PROPS,
                                 required=["name", "nib", "phone", "address", "kecamatan", "kelurahan"]),
    "StorePatchInput": obj(STORE_INPUT_PROPS, required=[],
                           description="Hanya field yang dikirim yang diubah. Nama, NIB dan lokasi terkunci "
                                       "setelah toko diverifikasi."),
    "OwnStore": STORE_OWNER,
    "Document": obj({"id": INT, "filename": STR, "content_type": enum(("application/pdf", "image/jpeg", "image/png")),
                     "size": {"type": "integer", "minimum": 1}, "url": URL}),
    "Upload": {"type": "object", "required": ["file"], "additionalProperties": False,
               "properties": {"file": {"type": "string", "format": "binary"}}},
    "ProductInput": obj(PRODUCT_INPUT_PROPS, required=["name", "category", "price"]),
    "ProductPatchInput": obj(PRODUCT_INPUT_PROPS, required=[]),
    "OwnProduct": extend(PRODUCT_SUMMARY, {
        "description": STR, "images": array(URL),
        "store": extend(STORE_REF, {"whatsapp_url": URL, "fulfilment": ref("Fulfilment")}),
        "active": BOOL, "moderation_reason": nullable(STR), "halal_number": nullable(STR),
        "pirt_number": nullable(STR), "bpom_number": nullable(STR), "image_ids": array(INT),
        "max_per_order": nullable({"type": "integer", "minimum": 1, "maximum": 999,
                                   "description": "Yang diisi penjual; null: bawaan 20 (stok terbatas)."}),
        "created_at": DATETIME, "updated_at": DATETIME,
    }, description="Produk milik sendiri, apa pun statusnya."),
    "OwnProductPage": page_of("OwnProduct"),
    "Image": obj({"id": INT, "url": URL}),
    "SellerOrder": extend(ORDER, {"buyer": obj({"name": STR, "phone": nullable(STR)})},
                          description="Pesanan toko, dengan pembelinya."),
    "SellerOrderPage": page_of("SellerOrder"),
    "StatusInput": obj({"status": enum(ORDER_STATUSES), "note": nullable(STR)}, required=["status"],
                       description="`note` wajib saat penjual membatalkan (alasan)."),
    "AdminStore": extend(STORE_OWNER, {"owner": obj({"id": INT, "name": STR, "email": STR})}),
    "AdminStorePage": page_of("AdminStore"),
    "DecisionInput": obj({"decision": enum(("verify", "reject", "suspend", "reinstate")), "reason": nullable(STR)},
                         required=["decision"], description="`reason` wajib kecuali untuk verify."),
    "Summary": obj({
        "period": obj({"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}}),
        "stores": obj({k: {"type": "integer", "minimum": 0}
                       for k in ("registered", "pending", "verified", "rejected", "suspended", "with_sales")}),
        "orders": obj({"total": {"type": "integer", "minimum": 0},
                       "by_status": obj({s: {"type": "integer", "minimum": 0} for s in ORDER_STATUSES})}),
        "gmv": RUPIAH,
        "by_category": array(obj({"slug": STR, "orders": INT, "gmv": RUPIAH})),
        "by_kecamatan": array(obj({"kecamatan": STR, "orders": INT, "gmv": RUPIAH})),
        "by_fulfilment": array(obj({"mode": enum(FULFILMENT_MODES), "orders": INT, "gmv": RUPIAH})),
        "asn": obj({"monthly_minimum": RUPIAH, "by_opd": array(obj({
            "opd_code": STR, "name": STR, "employees": INT, "reached_minimum": INT, "spent": RUPIAH}))}),
    }, description="`gmv` dan setiap `spent` hanya menghitung pesanan selesai."),
}

# --- parameters and responses ---------------------------------------------------------------


def _param(name: str, where: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


PARAMETERS = {
    "Page": _param("page", "query", {"type": "integer", "minimum": 1, "default": 1}, "Halaman, mulai 1."),
    "PerPage": _param("per_page", "query", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                      "Jumlah per halaman, paling banyak 100."),
    "ProductId": _param("product_id", "path", INT, "Id produk."),
    "OrderCode": _param("code", "path", STR, "Kode pesanan, mis. MLP-20261129-000123."),
    "StoreSlug": _param("slug", "path", STR, "Slug toko."),
    "DocumentId": _param("document_id", "path", INT, "Id dokumen."),
    "StoreId": _param("store_id", "path", INT, "Id toko."),
    "OrderStatus": _param("status", "query", enum(ORDER_STATUSES), "Hanya pesanan berstatus ini."),
    "Q": _param("q", "query", STR, "Kata pencarian."),
    "Category": _param("category", "query", enum([c["slug"] for c in categories()]), "Slug kategori."),
    "Kecamatan": _param("kecamatan", "query", enum(kecamatan_names()), "Kecamatan toko."),
    "MinPrice": _param("min_price", "query", {"type": "integer", "minimum": 0}, "Harga terendah (rupiah)."),
    "MaxPrice": _param("max_price", "query", {"type": "integer", "minimum": 0},
                       "Harga tertinggi (rupiah), tidak di bawah min_price."),
    "Certificate": _param("certificate", "query", STR,
                          "Sertifikat yang wajib dimiliki: halal, pirt, bpom (boleh diulang atau dipisah koma)."),
    "Sort": _param("sort", "query", enum(SORTS),
                   "Urutan: relevance (bawaan bila ada q), newest (bawaan), price_asc, price_desc, rating."),
    "IdempotencyKey": _param("Idempotency-Key", "header", {"type": "string", "maxLength": 80},
                             "Kunci yang sama lagi mengembalikan pesanan yang sama tanpa mengambil stok lagi."),
}
LISTING_PARAMETERS = ("Q", "Category", "Kecamatan", "MinPrice", "MaxPrice", "Certificate", "Sort", "Page", "PerPage")


def _error_response(description: str, codes: tuple, headers: dict | None = None) -> dict:
    schema = {"allOf": [ref("Error"), {"properties": {"error": {"properties": {"code": enum(codes)}}}}]}
    response = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


RESPONSES = {
    "BadRequest": _error_response("Body bukan JSON yang valid, field tidak dikenal atau tipenya salah, atau "
                                  "parameter tidak valid (`fields` menyebut masing-masing).", ("bad_request",)),
    "Unauthorized": _error_response("Token tidak ada, tidak valid, dicabut atau kedaluwarsa; atau email/kata sandi "
                                    "salah.", ("unauthorized",),
                                    {"WWW-Authenticate": {"schema": STR, "description": "Bearer"}}),
    "Forbidden": _error_response("Masuk, tetapi tidak berhak (bukan admin, belum punya toko).", ("forbidden",)),
    "NotFound": _error_response("Tidak ada, atau tidak terlihat oleh pemanggil.", ("not_found",)),
    "Conflict": _error_response("Bertentangan dengan keadaan data (perpindahan status yang tidak sah, NIB atau "
                                "email ganda, sudah diulas).", ("conflict",)),
    "PayloadTooLarge": _error_response("Berkas melebihi batasnya, atau body JSON lebih dari 1 MB.",
                                       ("payload_too_large",)),
    "Unprocessable": _error_response("Isian tidak memenuhi aturan (DOMAIN.md), atau stok/keadaan toko menghalangi.",
                                     ("validation_error", "out_of_stock", "store_unavailable",
                                      "too_many_pending_orders")),
    "RateLimited": _error_response("Terlalu banyak percobaan.", ("rate_limited",),
                                   {"Retry-After": {"schema": INT, "description": "Detik sebelum mencoba lagi."}}),
    "Error": _error_response("Galat lain (metode tidak diizinkan, galat server).", ERROR_CODES),
}

# --- operations -----------------------------------------------------------------------------


def _op(op_id: str, tag: str, summary: str, ok: tuple, *, auth: str | None = None, params=(), body=None,
        errors=(), description: str | None = None) -> dict:
    """One operation. `ok` is (status, schema name or None, description); `auth` None (public),
    "user", "seller" or "admin"; `body` a schema name (JSON) or ("multipart", name)."""
    status, schema, ok_description = ok
    success = {"description": ok_description}
    if schema == "file":
        success["content"] = {t: {"schema": {"type": "string", "format": "binary"}}
                              for t in ("application/pdf", "image/jpeg", "image/png")}
        success["headers"] = {"Content-Disposition": {"schema": STR, "description": "attachment; filename=…"}}
    elif schema == "html":
        success["content"] = {"text/html": {"schema": STR}}
    elif schema == "document":
        success["content"] = {JSON: {"schema": {"type": "object",
                                                "description": "Dokumen OpenAPI 3.1 ini."}}}
    elif schema is not None:
        success["content"] = {JSON: {"schema": ref(schema) if isinstance(schema, str) else schema}}
    responses = {str(status): success}
    codes = set(errors)
    if body is not None:
        codes |= {400, 413}
    if auth:
        codes.add(401)
    if auth in ("seller", "admin"):
        codes.add(403)
    names = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
             413: "PayloadTooLarge", 422: "Unprocessable", 429: "RateLimited"}
    for code in sorted(codes):
        responses[str(code)] = {"$ref": f"#/components/responses/{names[code]}"}
    responses["default"] = {"$ref": "#/components/responses/Error"}
    operation = {"operationId": op_id, "tags": [tag], "summary": summary, "responses": responses,
                 "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in params],
                 "security": [{"bearerAuth": []}] if auth else []}
    who = {"user": "Token akun mana pun.", "seller": "Token pemilik toko.", "admin": "Token admin."}
    text = " ".join(filter(None, [description, who.get(auth)]))
    if text:
        operation["description"] = text
    if isinstance(body, tuple):
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": ref(body[1])}}}
    elif body is not None:
        operation["requestBody"] = {"required": body not in ("CancelInput",),
                                    "content": {JSON: {"schema": ref(body)}}}
    return operation


PATHS = {
    # Account
    "/auth/register": {"post": _op(
        "register", "Akun", "Daftar akun pembeli", (201, "Registered", "Akun dibuat, dengan token."),
        body="RegisterInput", errors=(409, 422, 429),
        description="Kata sandi minimal 8 karakter. Email yang sudah terdaftar: 409. "
                    "Paling banyak 5 pendaftaran per menit per alamat.")},
    "/auth/token": {
        "post": _op("create_token", "Akun", "Masuk: buat token", (200, "Token", "Token baru."),
                    body="TokenInput", errors=(401, 422, 429),
                    description="Email atau kata sandi salah: 401 yang sama untuk keduanya. Paling banyak 10 "
                                "percobaan gagal per menit per alamat dan email."),
        "delete": _op("delete_token", "Akun", "Keluar: cabut token ini", (204, None, "Token dicabut."),
                      auth="user"),
    },
    "/me": {"get": _op("me", "Akun", "Akun pemanggil", (200, "User", "Akun, tokonya dan profil ASN-nya."),
                       auth="user")},
    "/me/asn": {"put": _op("put_asn", "Akun", "Isi profil ASN/non-ASN", (200, "AsnProfile", "Profil tersimpan."),
                           auth="user", body="AsnProfileInput", errors=(409, 422),
                           description="NIP yang sudah dipakai akun lain: 409.")},
    # Catalogue
    "/regions": {"get": _op("regions", "Katalog", "Kecamatan dan kelurahan Kota Malang",
                            (200, array(ref("Region")), "5 kecamatan dan kelurahannya."))},
    "/categories": {"get": _op("categories", "Katalog", "Kategori", (200, array(ref("Category")),
                                                                    "8 kategori, dengan jumlah produk tampil."))},
    "/products": {"get": _op("products", "Katalog", "Cari dan daftar produk",
                             (200, "ProductPage", "Produk toko terverifikasi yang aktif."),
                             params=LISTING_PARAMETERS, errors=(400,),
                             description="Parameter daftar yang tidak valid (halaman, harga, kategori, "
                                         "kecamatan, urutan): 400.")},
    "/products/{product_id}": {"get": _op("product", "Katalog", "Satu produk",
                                          (200, "ProductDetail", "Produk, fotonya dan tokonya."),
                                          params=("ProductId",), errors=(404,),
                                          description="Produk nonaktif atau dari toko yang belum terverifikasi: "
                                                      "404.")},
    "/stores/{slug}": {"get": _op("store", "Katalog", "Satu toko", (200, "Store", "Toko terverifikasi."),
                                  params=("StoreSlug",), errors=(404,))},
    "/stores/{slug}/products": {"get": _op("store_products", "Katalog", "Produk satu toko",
                                           (200, "ProductPage", "Seperti /products, hanya toko ini."),
                                           params=("StoreSlug", *LISTING_PARAMETERS), errors=(400, 404))},
    # Cart and orders
    "/cart": {"get": _op("cart", "Keranjang & pesanan", "Keranjang", (200, "Cart", "Keranjang."), auth="user")},
    "/cart/items/{product_id}": {
        "put": _op("set_cart_item", "Keranjang & pesanan", "Atur jumlah barang", (200, "Cart", "Keranjang."),
                   auth="user", params=("ProductId",), body="CartQuantityInput", errors=(403, 404, 422),
                   description="0 menghapus; lebih dari stok: 422 out_of_stock; lebih dari batas per pesanan "
                               "produk berstok terbatas (`max_per_order`, bawaan 20): 422 validation_error pada "
                               "`quantity`; toko libur atau produk nonaktif: 422 store_unavailable; produk toko "
                               "milik pemanggil sendiri: 403 forbidden."),
        "delete": _op("remove_cart_item", "Keranjang & pesanan", "Hapus barang", (200, "Cart", "Keranjang."),
                      auth="user", params=("ProductId",)),
    },
    "/orders": {
        "post": _op("place_orders", "Keranjang & pesanan", "Checkout: satu pesanan per toko",
                    (201, "PlacedOrders", "Pesanan dibuat (atau pesanan yang sama untuk Idempotency-Key yang "
                                          "sama)."),
                    auth="user", params=("IdempotencyKey",), body="CheckoutInput", errors=(403, 422, 429),
                    description="Barang toko yang dipesan keluar dari keranjang; stok diambil. Paling banyak 10 "
                                "pemesanan per menit per pembeli. Batas COD (422 too_many_pending_orders, pesan "
                                "menyebut batasnya): paling banyak MAX_PENDING_ORDERS (3) pesanan menunggu "
                                "konfirmasi sekaligus, dan pesanan terbuka yang belum dibayar bernilai paling "
                                "banyak MAX_UNPAID_ORDER_VALUE (Rp5.000.000; MAX_UNPAID_ORDER_VALUE_TRUSTED, "
                                "Rp15.000.000, setelah pesanan selesai pertama). Barang melebihi batas per "
                                "pesanan: 422 validation_error. Memesan dari toko sendiri: 403 forbidden."),
        "get": _op("orders", "Keranjang & pesanan", "Pesanan saya, terbaru dulu",
                   (200, "OrderPage", "Pesanan pembeli."), auth="user", params=("OrderStatus", "Page", "PerPage"),
                   errors=(400,)),
    },
    "/orders/{code}": {"get": _op("order", "Keranjang & pesanan", "Satu pesanan", (200, "Order", "Pesanan."),
                                  auth="user", params=("OrderCode",), errors=(404,),
                                  description="Pesanan pembeli lain: 404.")},
    "/orders/{code}/cancel": {"post": _op("cancel_order", "Keranjang & pesanan", "Batalkan pesanan",
                                          (200, "Order", "Pesanan dibatalkan; stok kembali."),
                                          auth="user", params=("OrderCode",), body="CancelInput",
                                          errors=(404, 409, 422),
                                          description="Hanya selama `pending`; selain itu 409. Body boleh kosong.")},
    "/orders/{code}/reviews": {"post": _op("review_order", "Keranjang & pesanan", "Ulas produk pesanan",
                                           (201, array(ref("Review")), "Ulasan tersimpan."),
                                           auth="user", params=("OrderCode",), body="ReviewInput",
                                           errors=(403, 404, 409, 422),
                                           description="Hanya pesanan `completed` (selain itu 409), sekali per "
                                                       "produk (lagi: 409). Pemilik toko tidak bisa mengulas "
                                                       "produk tokonya sendiri (403).")},
    # Seller
    "/seller/store": {
        "post": _op("apply_store", "Penjual", "Ajukan toko", (201, "OwnStore", "Pengajuan dibuat, status pending."),
                    auth="user", body="StoreApplicationInput", errors=(409, 422),
                    description="Satu toko per akun (lagi: 409); NIB yang sudah dipakai: 409. Unggah dokumen "
                                "legalitas sesudahnya."),
        "get": _op("own_store", "Penjual", "Toko saya", (200, "OwnStore", "Toko sendiri."), auth="seller"),
        "patch": _op("update_store", "Penjual", "Ubah toko", (200, "OwnStore", "Toko sendiri."), auth="seller",
                     body="StorePatchInput", errors=(409, 422),
                     description="Mengubah toko yang ditolak mengajukannya ulang (pending)."),
    },
    "/seller/store/documents": {"post": _op(
        "upload_document", "Penjual", "Unggah dokumen legalitas", (201, "Document", "Dokumen tersimpan."),
        auth="seller", body=("multipart", "Upload"), errors=(422,),
        description="PDF, JPEG atau PNG (dikenali dari isinya), paling besar 5 MB (lebih: 413), paling banyak 5.")},
    "/documents/{document_id}": {"get": _op(
        "document", "Penjual", "Unduh dokumen", (200, "file", "Berkasnya, sebagai lampiran."),
        auth="user", params=("DocumentId",), errors=(404,),
        description="Hanya untuk pemilik toko dan admin; selain itu 404.")},
    "/seller/products": {
        "get": _op("own_products", "Penjual", "Produk saya", (200, "OwnProductPage", "Produk toko, semua status."),
                   auth="seller", errors=(400,),
                   params=("Q", "Page", "PerPage") + ("ProductFilter",)),
        "post": _op("create_product", "Penjual", "Tambah produk", (201, "OwnProduct", "Produk dibuat."),
                    auth="seller", body="ProductInput", errors=(422,)),
    },
    "/seller/products/{product_id}": {
        "get": _op("own_product", "Penjual", "Satu produk saya", (200, "OwnProduct", "Produk."), auth="seller",
                   params=("ProductId",), errors=(404,), description="Produk toko lain: 404."),
        "patch": _op("update_product", "Penjual", "Ubah produk", (200, "OwnProduct", "Produk."), auth="seller",
                     params=("ProductId",), body="ProductPatchInput", errors=(404, 422),
                     description="Produk toko lain: 404."),
        "delete": _op("delete_product", "Penjual", "Hapus produk", (204, None, "Produk dihapus."), auth="seller",
                      params=("ProductId",), errors=(404, 409),
                      description="Produk yang pernah dipesan tidak bisa dihapus (409): nonaktifkan saja."),
    },
    "/seller/products/{product_id}/images": {"post": _op(
        "upload_image", "Penjual", "Unggah foto produk", (201, "Image", "Foto tersimpan (diolah ulang)."),
        auth="seller", params=("ProductId",), body=("multipart", "Upload"), errors=(404, 422),
        description="JPEG, PNG atau WebP, paling besar 8 MB (lebih: 413), paling banyak 8 foto per produk.")},
    "/seller/orders": {"get": _op("store_orders", "Penjual", "Pesanan toko",
                                  (200, "SellerOrderPage", "Pesanan toko."), auth="seller",
                                  params=("OrderStatus", "Page", "PerPage"), errors=(400,))},
    "/seller/orders/{code}/status": {"post": _op(
        "move_order", "Penjual", "Ubah status pesanan", (200, "SellerOrder", "Pesanan."), auth="seller",
        params=("OrderCode",), body="StatusInput", errors=(404, 409, 422),
        description="pending → confirmed → shipped (antar) / ready (ambil) → completed; batal dengan alasan. "
                    "Perpindahan lain: 409.")},
    # Admin
    "/admin/stores": {"get": _op("admin_stores", "Admin", "Pengajuan dan toko",
                                 (200, "AdminStorePage", "Toko, pengajuan lama dulu."), auth="admin",
                                 params=("StoreStatus", "Page", "PerPage"), errors=(400,))},
    "/admin/stores/{store_id}/decision": {"post": _op(
        "decide_store", "Admin", "Putuskan pengajuan/toko", (200, "AdminStore", "Toko sesudah keputusan."),
        auth="admin", params=("StoreId",), body="DecisionInput", errors=(404, 409, 422),
        description="verify (butuh minimal satu dokumen, selain itu 422), reject, suspend, reinstate (dengan "
                    "alasan). Perpindahan yang tidak ada di tabel status: 409.")},
    "/admin/reports/summary": {"get": _op(
        "summary", "Admin", "Ringkasan program", (200, "Summary", "Angka periode ini."), auth="admin",
        params=("From", "To"), errors=(400,),
        description="Kedua tanggal termasuk, dalam WIB. Tanggal tidak ada atau tidak valid: 400.")},
    # This document
    "/openapi.json": {"get": _op("openapi", "Dokumentasi", "Dokumen OpenAPI ini", (200, "document", "OpenAPI 3.1."))},
    "/docs": {"get": _op("docs", "Dokumentasi", "Referensi API (HTML)", (200, "html", "Halaman referensi."))},
}
PARAMETERS.update({
    "ProductFilter": _param("status", "query", enum(PRODUCT_FILTERS), "all (bawaan), active, inactive, out_of_stock."),
    "StoreStatus": _param("status", "query", enum(STORE_STATUSES), "Hanya toko berstatus ini."),
    "From": _param("from", "query", {"type": "string", "format": "date"}, "Hari pertama (YYYY-MM-DD, WIB).",
                   required=True),
    "To": _param("to", "query", {"type": "string", "format": "date"}, "Hari terakhir (YYYY-MM-DD, WIB).",
                 required=True),
})

DOCUMENT = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
    "info": {
        "title": "Malpro API",
        "version": "1.0.0",
        "description": "API JSON untuk aplikasi Android pembeli dan penjual Malpro (Malang Beli Produk Lokal). "
                       "JSON masuk dan keluar (UTF-8); unggahan multipart/form-data. Uang dalam rupiah bulat; "
                       "waktu ISO 8601 WIB. Daftar: ?page=&per_page= (maks. 100) → {items, page, per_page, total}. "
                       "Setiap galat: {\"error\": {\"code\", \"message\", \"fields\"}}. Autentikasi: "
                       "Authorization: Bearer <token> (tanpa cookie, tanpa CSRF).",
    },
    "servers": [{"url": "/api/v1"}],
    "tags": [{"name": name} for name in ("Akun", "Katalog", "Keranjang & pesanan", "Penjual", "Admin",
                                         "Dokumentasi")],
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "parameters": PARAMETERS,
        "responses": RESPONSES,
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                           "description": "Token dari POST /auth/token atau /auth/register; "
                                                          "berlaku 30 hari, dapat dicabut."}},
    },
}
