/* Malpro's service worker (served at /sw.js by malpro/shop/pwa.py, registered by app.js).

   - Install: keep the static shell (styles, htmx, icons) and the offline page.
   - Pages: always from the network; when there is none, the offline page. Pages are never
     stored: they carry the visitor's session (cart count, account links, form tokens).
   - Static files: from the cache at once, refreshed from the network behind the scenes, so
     a new app.css reaches the phone on the next visit.
   - Everything else (htmx fragments, uploads, the API, any POST) goes to the network untouched.
   Personal and cart pages are never written to the cache, whatever their kind. */
"use strict";

// Change the version when SHELL changes: activation then drops the old caches.
const VERSION = "v2";
const CACHE = "malpro-shell-" + VERSION;
const OFFLINE_URL = "/offline";
const SHELL = [
  OFFLINE_URL,
  "/static/css/app.css",
  "/static/js/htmx-2.0.11.min.js",
  "/static/js/app.js",
  "/static/manifest.webmanifest",
  "/static/img/icons/icon-192.png",
  "/static/img/icons/icon-512.png",
  "/static/img/icons/icon-maskable-512.png",
  "/static/img/icons/apple-touch-icon-180.png",
];
// Pages about one person or their cart: never cached, not even by accident.
const PRIVATE_PREFIXES = [
  "/keranjang", "/checkout", "/pesanan", "/akun", "/seller", "/admin", "/auth", "/notifikasi", "/api",
];

function isPrivate(url) {
  return PRIVATE_PREFIXES.some(function (prefix) {
    return url.pathname === prefix || url.pathname.startsWith(prefix + "/");
  });
}

function isCacheable(request, response) {
  const url = new URL(request.url);
  return request.method === "GET" && url.origin === self.location.origin && !isPrivate(url)
    && (url.pathname.startsWith("/static/") || url.pathname === OFFLINE_URL)
    && response && response.ok && response.type === "basic";
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) {
        // Fetched without the HTTP cache, so the shell matches the server that installs it.
        return cache.addAll(SHELL.map(function (path) { return new Request(path, { cache: "reload" }); }));
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names
          .filter(function (name) { return name.startsWith("malpro-") && name !== CACHE; })
          .map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function fromNetworkOrOffline(request) {
  return fetch(request).catch(function () {
    return caches.open(CACHE)
      .then(function (cache) { return cache.match(OFFLINE_URL, { ignoreVary: true }); })
      .then(function (page) { return page || Response.error(); });
  });
}

function staleWhileRevalidate(event) {
  const request = event.request;
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      const refresh = fetch(request).then(function (response) {
        if (isCacheable(request, response)) {
          return cache.put(request, response.clone()).then(function () { return response; });
        }
        return response;
      }).catch(function (error) {
        // Offline: pages ask for static files by versioned address (?v=...); the shell was
        // stored without one, so any stored version beats nothing.
        return cache.match(request, { ignoreSearch: true }).then(function (stored) {
          if (stored) { return stored; }
          throw error;
        });
      });
      if (cached) {
        event.waitUntil(refresh.catch(function () {}));
        return cached;
      }
      return refresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") {
    return;  // forms, htmx actions: straight to the network, never cached
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fromNetworkOrOffline(request));
    return;
  }
  if (url.pathname.startsWith("/static/") && !isPrivate(url)) {
    event.respondWith(staleWhileRevalidate(event));
  }
});
