"""Configuration defaults. Precedence (later wins): these defaults, instance/config.py,
MALPRO_* environment variables, DATABASE_URL, then the mapping passed to create_app()."""
import os


class Config:
    # SECRET_KEY is deliberately absent: create_app() generates one into instance/ on first run.
    SQLALCHEMY_DATABASE_URI = None  # default: sqlite:///<instance>/malpro.db (set in create_app)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 15000

    # Uploaded files (product images, logos, legality documents); default <instance>/uploads.
    UPLOAD_DIR = None
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # a whole request: up to 8 phone photos at once; per-file limits are stricter
    DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
    IMAGE_MAX_BYTES = 8 * 1024 * 1024  # each product photo or logo, before re-encoding
    UPLOAD_RATE_LIMIT = "120 per hour"  # files (photos, logos, documents) one account may upload

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # None: Secure cookies when the site is served over HTTPS (PREFERRED_URL_SCHEME = "https"
    # or an https PUBLIC_BASE_URL), plain ones for http://127.0.0.1 (malpro/security.py).
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_SECURE = None
    # Behind nginx: the number of proxies that set X-Forwarded-For/-Proto (deploy/ uses 1).
    PROXY_FIX = 0
    # One JSON line per request (malpro/request_log.py); the client IP only when asked for.
    REQUEST_LOG = True
    REQUEST_LOG_IP = False
    # Public pages for visitors without a session, kept whole per worker (malpro/page_cache.py):
    # exact on SQLite; on PostgreSQL only for this many seconds (0: not kept, use nginx's cache).
    PAGE_CACHE = True
    PAGE_CACHE_POSTGRES_SECONDS = 0
    # Responses over 1 KB are compressed by the app (Flask-Compress; Brotli, else gzip) for
    # clients that accept it, so a server without nginx sends small pages too
    # (docs/security.md: BREACH).
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_LEVEL = 6
    COMPRESS_BR_LEVEL = 5
    # Static files are sent as streams, which Flask-Compress packs with Brotli (not gzip).
    COMPRESS_ALGORITHM_STREAMING = ["br"]
    COMPRESS_MIN_SIZE = 1024
    COMPRESS_MIMETYPES = ["text/html", "text/css", "application/javascript", "text/javascript",
                          "application/json", "application/manifest+json", "image/svg+xml",
                          "text/csv", "application/xml"]

    RATELIMIT_ENABLED = True
    # None: a SQLite file in instance/ that every worker process on this server shares
    # (malpro/ratelimit.py), or Redis when REDIS_URL is set; "memory://" counts per process.
    RATELIMIT_STORAGE_URI = None
    # A moving window: "10 a minute" is never 20 across the turn of a minute.
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins (web and API together) per client address and email, and per address
    # across all emails (password spraying); registrations and reset requests per address.
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "30 per minute"
    REGISTER_RATE_LIMIT = "5 per minute"
    PASSWORD_RESET_RATE_LIMIT = "5 per minute"
    PASSWORD_RESET_EMAIL_RATE_LIMIT = "5 per hour"
    REDIS_URL = None  # MALPRO_REDIS_URL: shared rate-limit storage for several app servers
    # If Redis goes away, count in memory until it is back rather than answer 500 to sign-ins.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")

    # The COD abuse guard (services/checkout.py): orders waiting for confirmation at once, and
    # the rupiah value of a buyer's unpaid open orders; the second figure once the buyer has at
    # least TRUSTED_BUYER_COMPLETED_ORDERS completed orders.
    MAX_PENDING_ORDERS = 3
    MAX_UNPAID_ORDER_VALUE = 5_000_000
    MAX_UNPAID_ORDER_VALUE_TRUSTED = 15_000_000
    TRUSTED_BUYER_COMPLETED_ORDERS = 1
    # A QRIS order left unpaid (not claimed) this long is cancelled by `flask expire-unpaid`.
    QRIS_UNPAID_EXPIRY_HOURS = 24
    # Rupiah each city employee is asked to spend on local UMKM a month, until an admin sets it.
    ASN_MONTHLY_MINIMUM = 300_000
    API_TOKEN_DAYS = 30
    # A web sign-in lasts this long with "Ingat saya" (remember-me), else LOGIN_SESSION_HOURS
    # (the browser forgets it sooner when it closes); logout ends it at once.
    REMEMBER_DAYS = 30
    LOGIN_SESSION_HOURS = 24
    PASSWORD_RESET_MINUTES = 60
    # The admins' WhatsApp number (08..., 628...): without mail, "Lupa kata sandi?" links to it.
    SUPPORT_WHATSAPP = None

    # Email is sent only when MAIL_SERVER is set (MALPRO_MAIL_SERVER=smtp.example.org).
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "Malpro <no-reply@malpro.malangkota.go.id>"
    # The site's public address (https://malpro.malangkota.go.id) for links outside the site, such
    # as emails; unset, they use the host of the request that sent them.
    PUBLIC_BASE_URL = None

    LOG_LEVEL = os.environ.get("MALPRO_LOG_LEVEL", "INFO")
