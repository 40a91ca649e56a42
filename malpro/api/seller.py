"""The seller's store, documents, products and orders. Everything is looked up through the
caller's own store, so another seller's product or order is simply not found (404)."""
from flask import Response, g, jsonify, request, send_file
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from malpro.api import bp
from malpro.api.auth import token_required
from malpro.api.inputs import BadRequestError, choice_arg, json_body, paginated
from malpro.api.serializers import document_json, image_json, own_product, seller_order_json, store_owner
from malpro.models import Order, Product
from malpro.services import documents, orders, products, verification
from malpro.services.errors import ValidationError

STORE_FIELDS = {"name": str, "nib": str, "phone": str, "address": str, "kecamatan": str, "kelurahan": str,
                "description": (str, type(None)), "delivery": bool, "pickup": bool, "delivery_fee": int}
PRODUCT_FIELDS = {"name": str, "category": str, "price": int, "stock": (int, type(None)),
                  "max_per_order": (int, type(None)), "unit": str,
                  "description": (str, type(None)), "active": bool, "halal_number": (str, type(None)),
                  "pirt_number": (str, type(None)), "bpom_number": (str, type(None))}


def _store_id() -> int:
    return g.api_user.store.id


def _upload():
    """The multipart `file`: a request that is not multipart is 400; a missing file is left to
    the service, which names the field (422)."""
    if request.mimetype != "multipart/form-data":
        raise BadRequestError(_("Kirim berkas sebagai multipart/form-data dalam field \"file\"."),
                              fields={"file": _("Wajib multipart/form-data.")})
    return request.files.get("file")


# --- The store ----------------------------------------------------------------------------

@bp.post("/seller/store")
@token_required()
def apply_for_store():
    body = json_body(STORE_FIELDS)
    store = verification.apply_for_store(g.api_user_id, body, require_document=False)
    return jsonify(store_owner(store)), 201


@bp.get("/seller/store")
@token_required("seller")
def get_own_store():
    return jsonify(store_owner(g.api_user.store))


@bp.patch("/seller/store")
@token_required("seller")
def patch_own_store():
    body = json_body(STORE_FIELDS)
    return jsonify(store_owner(verification.update_application(g.api_user_id, body, partial=True)))


@bp.post("/seller/store/documents")
@token_required("seller")
def upload_document():
    document = verification.add_document(g.api_user_id, _upload())
    return jsonify(document_json(document)), 201


@bp.get("/documents/<int:document_id>")
@token_required()
def get_document(document_id: int):
    """The file itself, to the store's owner and admins only (anyone else: 404)."""
    document = verification.document_for(g.api_user, document_id)
    response = send_file(documents.document_path(document.stored_name), mimetype=document.content_type,
                         as_attachment=True, download_name=document.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- Products -----------------------------------------------------------------------------

@bp.get("/seller/products")
@token_required("seller")
def list_own_products():
    status = choice_arg("status", products.STATUSES) or "all"
    query = products.store_products(_store_id(), request.args.get("q", ""), status)
    return jsonify(paginated(query.options(selectinload(Product.images)), own_product))


@bp.post("/seller/products")
@token_required("seller")
def create_product():
    body = json_body(PRODUCT_FIELDS)
    return jsonify(own_product(products.create_product(_store_id(), body))), 201


@bp.get("/seller/products/<int:product_id>")
@token_required("seller")
def get_own_product(product_id: int):
    return jsonify(own_product(products.get_product(_store_id(), product_id)))


@bp.patch("/seller/products/<int:product_id>")
@token_required("seller")
def patch_own_product(product_id: int):
    products.get_product(_store_id(), product_id)  # another store's product: 404 before reading the body
    body = json_body(PRODUCT_FIELDS)
    return jsonify(own_product(products.update_product(_store_id(), product_id, body)))


@bp.delete("/seller/products/<int:product_id>")
@token_required("seller")
def delete_own_product(product_id: int):
    products.delete_product(_store_id(), product_id)
    return Response(status=204)


@bp.post("/seller/products/<int:product_id>/images")
@token_required("seller")
def add_product_image(product_id: int):
    products.get_product(_store_id(), product_id)
    file = _upload()
    try:
        [image] = products.add_images(_store_id(), product_id, [file] if file is not None else [])
    except ValidationError as error:
        # The service names the web form's field; the API's multipart field is `file`.
        if "images" in error.fields:
            error.fields["file"] = error.fields.pop("images")
        raise
    return jsonify(image_json(image)), 201


# --- Orders -------------------------------------------------------------------------------

@bp.get("/seller/orders")
@token_required("seller")
def list_store_orders():
    query = orders.store_orders(_store_id(), choice_arg("status", tuple(orders.STATUS_LABELS)))
    return jsonify(paginated(query.options(selectinload(Order.buyer)), seller_order_json))


@bp.post("/seller/orders/<code>/status")
@token_required("seller")
def move_store_order(code: str):
    body = json_body({"status": str, "note": (str, type(None))}, required=("status",))
    return jsonify(seller_order_json(orders.move(code, g.api_user_id, "seller", body["status"], body.get("note"))))
