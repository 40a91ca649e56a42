"""Extension objects, created unbound; `create_app` binds them to the app."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from malpro import ratelimit  # noqa: F401  (registers the malpro-sqlite:// rate-limit storage)
from malpro.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
# Storage comes from RATELIMIT_STORAGE_URI: by default a SQLite file every worker of this server
# shares (malpro/ratelimit.py), Redis when MALPRO_REDIS_URL is set. Limits: malpro/auth/throttle.py.
limiter = Limiter(key_func=get_remote_address)
