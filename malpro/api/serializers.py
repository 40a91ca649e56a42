"""Models as the JSON shapes of API.md. Only shapes live here; every rule is a service's.

Public shapes (products, stores) carry no personal data and no NIB; the owner's and admins'
store shape adds them. Times are ISO 8601 in WIB with the offset."""
from flask import url_for

from malpro.formatting import iso
from malpro.models import average_rating
from malpro.services.asn import profile_json
from malpro.services.orders import status_label
from malpro.services.validation import whatsapp_url


def media_url(path: str | None) -> str | None:
    return url_for("shop.uploaded_file", path=path, _external=True) if path else None


def user_json(user) -> dict:
    store = user.store
    return {
        "id": user.id, "name": user.name, "email": user.email, "phone": user.phone, "is_admin": user.is_admin,
        "store": {"id": store.id, "slug": store.slug, "status": store.status} if store else None,
        "asn": profile_json(user.asn_profile),
    }


def rating_json(count: int, total: int) -> dict:
    """`average` to one decimal, null while nobody has rated (API.md)."""
    return {"average": average_rating(total, count), "count": count}


def fulfilment_json(store) -> dict:
    return {"delivery": store.offers_delivery, "pickup": store.offers_pickup, "delivery_fee": store.delivery_fee}


def category_json(category) -> dict:
    return {"slug": category.slug, "name": category.name}


def store_ref(store) -> dict:
    return {"id": store.id, "slug": store.slug, "name": store.name, "kecamatan": store.kecamatan}


def _summary(product, category, store: dict) -> dict:
    return {
        "id": product.id, "name": product.name, "price": product.price, "unit": product.unit, "stock": product.stock,
        "image_url": media_url(product.cover_path), "category": category_json(category), "store": store,
        "rating": rating_json(product.rating_count, product.rating_sum),
    }


def product_card_json(card, categories: dict) -> dict:
    """A product summary from a listing row (services.catalog.ProductCard); `categories`
    maps category ids to categories."""
    return _summary(card, categories[card.category_id], {"id": card.store_id, "slug": card.store_slug,
                                                         "name": card.store_name, "kecamatan": card.store_kecamatan})


def _detail(product, category, store, image_paths) -> dict:
    body = _summary(product, category, store_ref(store))
    body["description"] = product.description
    body["images"] = [media_url(path) for path in image_paths]
    body["store"].update(whatsapp_url=whatsapp_url(store.phone), fulfilment=fulfilment_json(store))
    return body


def product_detail_json(product, store, images, category) -> dict:
    """A visible product as services.catalog.product_detail() gives it: the summary with the
    description, the large images and the store's contact and fulfilment."""
    return _detail(product, category, store, [image.large_path for image in images])


def own_product(product) -> dict:
    """The seller's view of their product (a Product row): the detail plus what only they set or see."""
    body = _detail(product, product.category, product.store, [image.large_path for image in product.images])
    body.update(active=product.is_active, moderation_reason=product.moderation_reason,
                halal_number=product.halal_number, pirt_number=product.pirt_number,
                bpom_number=product.bpom_number, image_ids=[image.id for image in product.images],
                max_per_order=product.max_per_order,
                created_at=iso(product.created_at), updated_at=iso(product.updated_at))
    return body


def image_json(image) -> dict:
    return {"id": image.id, "url": media_url(image.large_path)}


def store_public(store, verified: bool = True) -> dict:
    """A store as anyone may see it (a Store or a services.catalog.StoreProfile): no NIB, no
    personal data. Only verified stores are public; the owner's view says whether it is."""
    return {
        "id": store.id, "slug": store.slug, "name": store.name, "description": store.description,
        "kecamatan": store.kecamatan, "kelurahan": store.kelurahan, "address": store.address,
        "whatsapp_url": whatsapp_url(store.phone), "verified": verified,
        "rating": rating_json(store.rating_count, store.rating_sum), "fulfilment": fulfilment_json(store),
        "logo_url": media_url(store.logo_path), "opening_hours": store.opening_hours,
    }


def document_json(document) -> dict:
    return {"id": document.id, "filename": document.filename, "content_type": document.content_type,
            "size": document.size, "url": url_for("api.get_document", document_id=document.id, _external=True)}


def store_owner(store) -> dict:
    """The owner's (and admins') view: the application with NIB, phone, status and documents."""
    body = store_public(store, verified=store.status == "verified")
    body.update(nib=store.nib, phone=store.phone, status=store.status, status_reason=store.status_reason,
                submitted_at=iso(store.submitted_at), verified_at=iso(store.verified_at),
                documents=[document_json(d) for d in store.documents])
    return body


def store_for_admin(store) -> dict:
    body = store_owner(store)
    body["owner"] = {"id": store.owner.id, "name": store.owner.name, "email": store.owner.email}
    return body


def cart_json(cart) -> dict:
    return {
        "groups": [{
            "store": {"id": group.store.id, "slug": group.store.slug, "name": group.store.name,
                      "fulfilment": fulfilment_json(group.store)},
            "items": [{"product_id": line.product.id, "name": line.product.name, "price": line.product.price,
                       "quantity": line.quantity, "subtotal": line.subtotal,
                       "available": line.available and group.problem is None,
                       "problem": line.problem or group.problem} for line in group.lines],
            "subtotal": group.subtotal,
        } for group in cart.groups],
        "total": cart.total,
    }


def order_json(order) -> dict:
    """An order as its buyer sees it. The delivery address is the buyer's own; a pickup order
    has none (it is collected at the store's address)."""
    store = order.store
    address = None
    if order.fulfilment == "delivery":
        address = {"recipient": order.recipient, "phone": order.phone, "street": order.street,
                   "kecamatan": order.kecamatan, "kelurahan": order.kelurahan, "notes": order.notes}
    return {
        "code": order.code, "status": order.status, "status_label": status_label(order.status),
        "fulfilment": order.fulfilment,
        "store": {"id": store.id, "slug": store.slug, "name": store.name, "address": store.address,
                  "kecamatan": store.kecamatan, "kelurahan": store.kelurahan,
                  "whatsapp_url": whatsapp_url(store.phone)},
        "items": [{"product_id": i.product_id, "name": i.name, "price": i.price, "quantity": i.quantity,
                   "subtotal": i.subtotal} for i in order.items],
        "subtotal": order.subtotal, "delivery_fee": order.delivery_fee, "total": order.total,
        "address": address,
        "events": [{"status": e.status, "at": iso(e.created_at), "note": e.note} for e in order.events],
        "cancel_reason": order.cancel_reason,
        "created_at": iso(order.created_at),
    }


def seller_order_json(order) -> dict:
    """The seller's view adds the buyer, whom the seller of this order may contact."""
    body = order_json(order)
    body["buyer"] = {"name": order.buyer.name, "phone": order.buyer.phone}
    return body
