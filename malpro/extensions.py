"""Extension objects, created unbound; `create_app` binds them to the app."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from malpro.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
# Storage comes from RATELIMIT_STORAGE_URI (memory by default, Redis when configured).
limiter = Limiter(key_func=get_remote_address)
