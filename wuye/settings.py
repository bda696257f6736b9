"""Settings for wuye. Every value that differs between machines comes from the environment.

Defaults give the embedded mode (SQLite database, SQLite-backed Huey, file cache in var/), so
``make run`` needs no other service. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and
ALLOWED_HOSTS (see README).
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
DEMO_MODE = env.bool("WUYE_DEMO", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="wuye-insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "wuye.core",
    "wuye.territory",
    "wuye.accounts",
    "wuye.registry",
    "wuye.notifications",
    "wuye.cases",
    "wuye.supervision",
    "wuye.credit",
    "wuye.disclosure",
    "wuye.governance",
    "wuye.governance.party",
    "wuye.governance.committees",
    "wuye.dashboards",
    "wuye.portal",
    "wuye.campaign",
    "wuye.campaign.bulletins",
    "wuye.campaign.notices",
    "wuye.campaign.training",
    "wuye.rulemaking",
    "wuye.transition.developers",
    "wuye.transition.handover",
    "wuye.transition.oldcompounds",
    "wuye.transition.quasi",
    "wuye.transition.recheck",
    "wuye.privacy",
    "wuye.demo",
]

MIDDLEWARE = [
    "wuye.core.health.HealthMiddleware",  # /healthz and /readyz for the load balancer, before anything else
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wuye.core.middleware.RequestContextMiddleware",
    "wuye.core.middleware.AnonymousDeniedLimitMiddleware",
    "wuye.core.middleware.NoStoreMiddleware",
    "wuye.accounts.middleware.SessionSecurityMiddleware",
    "axes.middleware.AxesMiddleware",
    "wuye.core.dbrouter.ReplicaReadsMiddleware",  # heavy read pages from the replica, when there is one
]

ROOT_URLCONF = "wuye.urls"
WSGI_APPLICATION = "wuye.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wuye" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wuye.core.context_processors.platform",
                "wuye.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the Huey worker run beside one writer; a busy timeout instead of
    # "database is locked" errors under concurrent use.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # Short OLTP queries: JIT compilation costs more than it saves (hundreds of ms on big scans).
    # work_mem 16MB: the capped counts of the complaint lists build bitmaps of 100,000s of rows;
    # at the default 4MB they turn lossy and every row is checked again (1.1 s instead of 0.1 s).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off -c work_mem=16MB")
# A streaming replica for heavy read pages (issue 18 §4; wuye.core.dbrouter): set
# DATABASE_REPLICA_URL, and the pages named below read from it; everything else uses the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**env.db_url_config(DATABASE_REPLICA_URL),
                            **{k: v for k, v in DATABASES["default"].items() if k in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS")},
                            "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["wuye.core.dbrouter.ReplicaRouter"]
WUYE_REPLICA_VIEWS = env.list("WUYE_REPLICA_VIEWS", default=[
    "public:*", "credit:public_*", "cases:metrics_*", "dashboards:*", "*export*",
])
# Scheduled backups (issue 18 §10): every night at WUYE_BACKUP_HOUR (Asia/Shanghai) into a new
# folder under WUYE_BACKUP_DIR, keeping the newest WUYE_BACKUP_KEEP complete ones. Empty: off.
WUYE_BACKUP_DIR = env.str("WUYE_BACKUP_DIR", default="")
WUYE_BACKUP_KEEP = env.int("WUYE_BACKUP_KEEP", default=7)
WUYE_BACKUP_HOUR = env.int("WUYE_BACKUP_HOUR", default=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # An outage of Redis slows pages, never breaks them (wuye.core.cache); sessions are kept in the
    # database behind the cache, so a Redis restart logs nobody out (issue 18 §7).
    CACHES = {"default": {"BACKEND": "wuye.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Files under var/cache, so that every gunicorn worker and the Huey consumer share the rate-limit
    # counters (wuye.core.ratelimit). WUYE_CACHE=locmem keeps one process's memory instead; that is
    # the default under pytest, where each xdist worker must count on its own.
    if env.str("WUYE_CACHE", default="locmem" if "pytest" in sys.modules else "file") == "locmem":
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    else:
        CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The public portal's home, estate and company pages are cached this long (seconds; 0 = off).
WUYE_PUBLIC_CACHE_SECONDS = env.int("WUYE_PUBLIC_CACHE_SECONDS", default=60)

# Huey: SQLite storage in embedded mode, Redis in production. ``utc: False``: periodic jobs'
# crontab hours are the platform's local hours (Django sets the process's TZ to TIME_ZONE), so
# "hour=7" means 07:00 in Asia/Shanghai, not 15:00.
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "wuye", "url": REDIS_URL, "immediate": False, "utc": False}
else:
    VAR_DIR.mkdir(exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wuye",
        "filename": str(env.str("WUYE_HUEY_FILE", default=str(VAR_DIR / "huey.sqlite3"))),
        "immediate": env.bool("WUYE_HUEY_IMMEDIATE", default=False),
        "utc": False,
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wuye.accounts.backends.AccountPolicyBackend",  # per-username back-off, expired temporary passwords
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "wuye.accounts.validators.PasswordPolicyValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Login security (issue: lockout after 5 failures, idle timeout 30 min, staff expiry 90 days).
AXES_FAILURE_LIMIT = env.int("WUYE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("WUYE_LOCKOUT_MINUTES", default=30))
# Locked on (username, client address): five wrong passwords from one address lock that address
# out for that account only; an attacker cannot lock "city" out of every office. Across
# addresses a slower per-username back-off applies (accounts.lockout).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wuye.accounts.views.lockout"
AXES_CLIENT_IP_CALLABLE = "wuye.core.request_context.client_ip"  # the same address as every rate limit
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
WUYE_USERNAME_FAILURE_LIMIT = env.int("WUYE_USERNAME_FAILURE_LIMIT", default=20)
WUYE_USERNAME_BACKOFF_MINUTES = env.int("WUYE_USERNAME_BACKOFF_MINUTES", default=5)
WUYE_USERNAME_ALERT_ADDRESSES = env.int("WUYE_USERNAME_ALERT_ADDRESSES", default=5)
# A temporary password (sent by SMS or e-mail on creation or reset) works this long.
WUYE_TEMPORARY_PASSWORD_HOURS = env.int("WUYE_TEMPORARY_PASSWORD_HOURS", default=72)
# Two-factor authentication (TOTP): always for the three administrators; for city and district
# officials when this is on. Demo logins are exempt only in demo mode (WUYE_DEMO).
WUYE_OTP_FOR_OFFICIALS = env.bool("WUYE_OTP_FOR_OFFICIALS", default=False)
OTP_TOTP_ISSUER = "wuye 物业服务监管平台"
WUYE_IDLE_TIMEOUT_SECONDS = env.int("WUYE_IDLE_TIMEOUT_SECONDS", default=30 * 60)
WUYE_PASSWORD_MAX_AGE_DAYS = env.int("WUYE_PASSWORD_MAX_AGE_DAYS", default=90)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "wuye.core.views.csrf_failure"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("WUYE_BEHIND_TLS_PROXY", default=False) else None
# The client address (core.request_context.client_ip): X-Forwarded-For counts only when the socket
# peer is one of these proxies (CIDRs; empty = trust no proxy); hops = trusted proxies in the chain.
WUYE_TRUSTED_PROXIES = env.list("WUYE_TRUSTED_PROXIES", default=[])
WUYE_TRUSTED_PROXY_HOPS = env.int("WUYE_TRUSTED_PROXY_HOPS", default=1)
SESSION_COOKIE_SECURE = env.bool("WUYE_SECURE_COOKIES", default=not DEBUG and not DEMO_MODE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS proxy (production) HTTPS is enforced by default: redirect and one year of HSTS
# (issue 13 §11); SECURE_PROXY_SSL_HEADER is trusted only when WUYE_BEHIND_TLS_PROXY says so.
SECURE_SSL_REDIRECT = env.bool("WUYE_SSL_REDIRECT", default=SECURE_PROXY_SSL_HEADER is not None)
SECURE_HSTS_SECONDS = env.int("WUYE_HSTS_SECONDS", default=31536000 if SECURE_PROXY_SSL_HEADER else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("WUYE_HSTS_SUBDOMAINS", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp; issue 13 §11): only the platform's own scripts, styles,
# images and fonts; the remaining inline <script>/<style> blocks carry the request's nonce
# (``nonce="{{ request.csp_nonce }}"``) and no template has inline event handlers (wuye.js has
# their behaviours; core/tests/test_security_headers.py keeps it so). Style attributes stay allowed
# (style-src-attr: they cannot run script). The interactive API docs (Swagger UI's inline boot
# script; a login in production) are left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "wuye" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Numbers a person reads group thousands (12,345) in Chinese too (wuye/formats/zh_Hans).
FORMAT_MODULE_PATH = ["wuye.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("WUYE_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise serves finders in development
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package.json) and are served from node_modules: no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "wuye" / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env.path("WUYE_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REST_FRAMEWORK = {
    # Token first: an anonymous API request is answered 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wuye.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "wuye.core.api.FormlessBrowsableAPIRenderer",
    ],
    # JSON too deep, lone surrogates and integers beyond 64 bits are a Chinese 400 (core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "wuye.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "wuye.core.api.Pagination",
    "PAGE_SIZE": 20,
    # django-filter's backend, plus the scope check of every filter naming a record (core.filters).
    "DEFAULT_FILTER_BACKENDS": ["wuye.core.filters.ScopedFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wuye.core.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "wuye 物业服务监管平台 API",
    "DESCRIPTION": (
        "物业服务监管平台的行政区划与物业登记数据接口。\n\n"
        "认证：先以 `POST /api/v1/auth/token/` 提交用户名和密码换取令牌，之后在请求头中携带 "
        "`Authorization: Token <令牌>`；已登录网页的浏览器也可直接使用会话访问。\n\n"
        "数据范围与网页一致：每个账号只能看到其辖区或所属单位的数据，超出范围的记录返回 404，"
        "可见但无权修改返回 403。手机号码和证件号码一律脱敏返回，有权角色可通过 `reveal` 接口"
        "查看明文，每次查看均记入审计日志。列表分页返回 `{\"count\", \"next\", \"previous\", "
        "\"results\"}`，金额与面积以字符串形式的精确小数返回。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and /api/docs/ need a login in production, open in demo mode (core.permissions).
    "SERVE_PERMISSIONS": ["wuye.core.permissions.ApiDocsAccess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DistrictKindEnum": "wuye.territory.models.District.Kind",
        "StreetKindEnum": "wuye.territory.models.Street.Kind",
        "EstateKindEnum": "wuye.registry.models.Estate.Kind",
        "OwnerKindEnum": "wuye.registry.models.Owner.Kind",
        "ParkingSpaceKindEnum": "wuye.registry.models.ParkingSpace.Kind",
        "ComplaintStatusEnum": "wuye.cases.models.Status",
        "NoticeReceiptStatusEnum": "wuye.campaign.notices.api.RECEIPT_STATUSES",
    },
}

# 通报 document numbers: 机关代字〔年份〕序号号 (rules.md §12), e.g. X房物〔2027〕3号.
WUYE_AGENCY_CODE = env.str("WUYE_AGENCY_CODE", default="X房物")
WUYE_AGENCY_NAME = env.str("WUYE_AGENCY_NAME", default="")  # empty: the city's name + 住房保障房产局

# API tokens (django-rest-knox, hashed at rest): "Authorization: Token <令牌>"; staff tokens
# expire after WUYE_API_TOKEN_HOURS, the service accounts of partner systems
# (WUYE_API_SYSTEM_USERS) after WUYE_API_SYSTEM_TOKEN_DAYS.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations create its default token table even when the model is swapped for ours; that
# orphan table references accounts_user and breaks PostgreSQL's TRUNCATE of the test database. With
# its migrations off, Django creates no table for the swapped model (our ApiToken is migrated by accounts).
MIGRATION_MODULES = {"knox": None}
WUYE_API_TOKEN_HOURS = env.int("WUYE_API_TOKEN_HOURS", default=12)
WUYE_API_SYSTEM_USERS = env.list("WUYE_API_SYSTEM_USERS", default=[])
WUYE_API_SYSTEM_TOKEN_DAYS = env.int("WUYE_API_SYSTEM_TOKEN_DAYS", default=90)
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": timedelta(hours=WUYE_API_TOKEN_HOURS),
    "TOKEN_LIMIT_PER_USER": None,
    "AUTO_REFRESH": False,
}

# Anonymous clients: refusals per minute before every further anonymous request from that address
# is answered 429 for the rest of the minute (core.middleware.AnonymousDeniedLimitMiddleware).
WUYE_ANON_DENIED_PER_MINUTE = env.int("WUYE_ANON_DENIED_PER_MINUTE", default=30)

# /api/schema/ and /api/docs/ without a login outside demo mode (default: login required).
WUYE_API_DOCS_PUBLIC = env.bool("WUYE_API_DOCS_PUBLIC", default=False)

# Personal data: which roles may reveal a masked phone or ID number (each reveal is audited).
WUYE_REVEAL_ROLES = env.list(
    "WUYE_REVEAL_ROLES", default=["city", "district", "street", "community", "company_manager"]
)
# Names of the accounts that only the demo city creates; check --deploy refuses them.
WUYE_DEMO_USERNAMES = [
    "admin", "security", "auditor", "city", "district", "street", "community",
    "dept_market", "company", "committee", "resident",
]
# Notifications (wuye.notifications): SMS through a pluggable backend (the default writes var/sms.log),
# e-mail through Django's mail backend (console unless configured).
WUYE_SMS_BACKEND = env.str("WUYE_SMS_BACKEND", default="wuye.notifications.sms.LogBackend")
EMAIL_BACKEND = env.str("WUYE_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("WUYE_FROM_EMAIL", default="noreply@wuye.localhost")
# SMS verification codes: per IP and hour, beside the per-phone limits (60 s apart, 10 a day).
WUYE_SMS_CODE_IP_LIMIT = env.int("WUYE_SMS_CODE_IP_LIMIT", default=30)
WUYE_IMPORT_MAX_ROWS = env.int("WUYE_IMPORT_MAX_ROWS", default=500_000)
# Excel export of a list: above this many rows the user is asked to narrow the filter.
WUYE_EXPORT_MAX_ROWS = env.int("WUYE_EXPORT_MAX_ROWS", default=50_000)
# Public consultation on draft regulations (rulemaking): the shortest period without a recorded reason
# (规章制定程序条例 第十五条) and how it is counted: "calendar_days" or "working_days" (core.calendar).
WUYE_CONSULTATION_MIN_DAYS = env.int("WUYE_CONSULTATION_MIN_DAYS", default=30)
WUYE_CONSULTATION_PERIOD_UNIT = env.str("WUYE_CONSULTATION_PERIOD_UNIT", default="calendar_days")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"jieba": {"level": "ERROR"}},
}
