"""Static files: versioned addresses cached for good, anything else revalidated."""
import re


def _static_urls(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    return [url.replace("&amp;", "&") for url in re.findall(r'/static/[^"\']+', html)]


def test_every_static_address_in_a_page_carries_its_version(client):
    urls = _static_urls(client)
    assert urls
    assert all(re.search(r"\?v=[0-9a-f]{10}$", url) for url in urls if "manifest" not in url), urls
    assert "/static/manifest.webmanifest" in urls  # one address for the installed app


def test_the_current_version_is_cached_for_a_year(client):
    url = next(u for u in _static_urls(client) if "app.css" in u)
    response = client.get(url)
    assert response.status_code == 200
    cache = response.cache_control
    assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600
    assert not cache.no_cache


def test_an_old_or_missing_version_is_revalidated(client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=0000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache", url


def test_the_version_follows_the_file_content(app, client):
    url = next(u for u in _static_urls(client) if "app.css" in u)
    import hashlib
    from pathlib import Path
    content = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    assert url.endswith("?v=" + hashlib.sha256(content).hexdigest()[:10])
