"""User text is shown as text everywhere (ASVS 5.3.3): a product and store named like markup
appear escaped on every page that shows them, fresh and from the cached renderings."""
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_product_and_store_names_are_escaped_on_every_page(client, make):
    store = make.store(name="Toko " + SCRIPT, slug="toko-x", description=SCRIPT)
    product = make.product(store=store, name="Keripik " + SCRIPT, slug="keripik", description=SCRIPT)
    for url in ("/", f"/produk/{product.id}-keripik", "/kategori/makanan-minuman", "/cari?q=keripik",
                "/toko/toko-x", "/cari/saran?q=keripik"):
        for _visit in range(2):
            body = client.get(url).get_data(as_text=True)
            assert "<script>alert" not in body and "<img src=x" not in body, url
            assert "&lt;script&gt;" in body, url
    api = client.get(f"/api/v1/products/{product.id}").get_json()
    assert api["name"] == "Keripik " + SCRIPT  # JSON carries the text as is; apps render it as text
