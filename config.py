"""Configuration classes, chosen by the ANSINH_CONFIG environment variable."""

from __future__ import annotations

import os


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # External systems are simulated only where a configuration says so.
    SIMULATION = False

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_NAME = "ansinh_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token instead
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "ansinh"

    HSTS = False
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))

    # Citizen sign-in (NIST SP 800-63B-4, OWASP ASVS 5.0).
    OTP_TTL_SECONDS = 300
    OTP_MAX_ATTEMPTS = 5
    OTP_RESEND_AFTER_SECONDS = 60
    SIGNIN_FAILED_CHALLENGES_FOR_LOCKOUT = 3
    SIGNIN_LOCKOUT_WINDOW_SECONDS = 3600
    SIGNIN_LOCKOUT_SECONDS = 15 * 60
    CITIZEN_IDLE_TIMEOUT_SECONDS = 15 * 60
    CITIZEN_IDLE_WARNING_SECONDS = 2 * 60
    STAFF_IDLE_TIMEOUT_SECONDS = 30 * 60
    SIGNIN_RATE_LIMIT_PER_ID = "10 per hour"
    SIGNIN_RATE_LIMIT_PER_ADDRESS = "60 per hour;20 per minute"

    # Keys for account numbers at rest: Fernet key and blind-index key.
    FIELD_ENCRYPTION_KEY: str | None = None
    BLIND_INDEX_KEY: str | None = None

    PAYMENT_CUTOFF_DAY = int(os.environ.get("PAYMENT_CUTOFF_DAY", "20"))


class DevelopmentConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite under instance/
    SIMULATION = _env_bool("SIMULATION", True)
    DEV_KEYS_IN_INSTANCE = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")
    SIMULATION = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    FIELD_ENCRYPTION_KEY = "l3Dd9m5a6zQq8T2x8b1qgQ0y8o7t0nE1m2Yx3c4V5b0="
    BLIND_INDEX_KEY = "test-blind-index-key"
    SERVER_NAME_FOR_LINKS = "localhost"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    HSTS = True
    SIMULATION = _env_bool("SIMULATION", False)

    REQUIRED = ("SECRET_KEY", "DATABASE_URL", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY")

    def __init__(self) -> None:
        missing = [name for name in self.REQUIRED if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration refuses to start without: " + ", ".join(missing)
            )
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        self.FIELD_ENCRYPTION_KEY = os.environ["FIELD_ENCRYPTION_KEY"]
        self.BLIND_INDEX_KEY = os.environ["BLIND_INDEX_KEY"]


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> Config:
    name = name or os.environ.get("ANSINH_CONFIG", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        known = ", ".join(sorted(CONFIGS))
        raise RuntimeError(f"Unknown ANSINH_CONFIG {name!r}; use one of {known}") from None
