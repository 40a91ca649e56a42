"""What the shop may show. Every buyer-facing listing starts from `visible_products()`,
so no page can forget the rule: only active products of verified stores (DOMAIN.md)."""
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from malpro.extensions import db
from malpro.models import Category, Product, Store


def visibility_criteria() -> tuple:
    """The WHERE clauses of the rule, for queries that join products to stores."""
    return (Store.status == "verified", Product.is_active.is_(True))


def visible_products() -> Select:
    """SELECT of products a buyer may see, with the store loaded by the same join."""
    return (
        select(Product)
        .join(Product.store)
        .where(*visibility_criteria())
        .options(contains_eager(Product.store), joinedload(Product.category))
    )


def category_product_counts() -> dict[int, int]:
    """{category_id: number of visible products}."""
    query = (select(Product.category_id, func.count()).join(Product.store)
             .where(*visibility_criteria()).group_by(Product.category_id))
    return dict(db.session.execute(query).all())


def newest_products(limit: int = 12) -> list[Product]:
    query = visible_products().order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def visible_product(product_id: int) -> Product | None:
    return db.session.scalar(visible_products().where(Product.id == product_id))


def search_products(q: str) -> Select:
    """Visible products whose name or description contains every word of `q`."""
    query = visible_products()
    for word in q.split()[:8]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Product.name.ilike(pattern, escape="\\") | Product.description.ilike(pattern, escape="\\"))
    return query
