"""Public reference endpoints of the API."""
from flask import jsonify

from malpro.api import bp
from malpro.reference import regions
from malpro.services.catalog import all_categories, category_product_counts


@bp.get("/regions")
def list_regions():
    return jsonify([{"kecamatan": k, "kelurahan": list(v)} for k, v in regions().items()])


@bp.get("/categories")
def list_categories():
    counts = category_product_counts()
    return jsonify([{"slug": c.slug, "name": c.name, "product_count": counts.get(c.id, 0)} for c in all_categories()])
