"""Reads kamkit's configuration from the environment and fails with one clear line when it is wrong.

Kept apart from ``settings`` so the command line can check configuration before Django starts.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import platformdirs


class ConfigurationError(Exception):
    """A configuration problem a person can fix; the message names the variable and the problem."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a yes/no value (use 1/0, true/false).")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number.") from None


def env_positive_number(name: str, default: float) -> float:
    """A number above 0 such as 1.5 (a factor or a share)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ConfigurationError(f"{name}={raw!r} is not a number above 0.")
    return value


def env_time_of_day(name: str, default: str) -> str | None:
    """A local time of day as "HH:MM", or None when the variable says "off"."""
    raw = os.environ.get(name)
    value = (default if raw is None or not raw.strip() else raw).strip().lower()
    if value in ("off", "never", "no"):
        return None
    hours, _, minutes = value.partition(":")
    if hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2:
        return f"{int(hours):02d}:{minutes}"
    raise ConfigurationError(f"{name}={raw!r} is not a time of day like 07:30 (or 'off').")


def env_time_zone(name: str, default: str) -> str:
    """A time zone name such as Europe/Berlin, checked here: Django stops on a bad one with a traceback."""
    raw = os.environ.get(name)
    value = default if raw is None or not raw.strip() else raw.strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigurationError(
            f"{name}={raw!r} is not a time zone name (use one like Europe/Berlin, America/New_York or UTC)."
        ) from None
    return value


# The level names a person would write; logging also knows the aliases WARN, FATAL and NOTSET.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_log_level(name: str, default: str) -> str:
    """A logging level name in any case ("info" or "INFO"), given to logging in capitals."""
    raw = os.environ.get(name)
    value = (default if raw is None or not raw.strip() else raw).strip().upper()
    if value not in logging.getLevelNamesMapping():
        raise ConfigurationError(f"{name}={raw!r} is not a log level (use {', '.join(LOG_LEVELS)}).")
    return value


def data_dir() -> Path:
    """The folder for the SQLite file, the generated secret key, uploads and outgoing mail."""
    raw = os.environ.get("KAMKIT_DATA_DIR")
    path = Path(raw).expanduser() if raw else Path(platformdirs.user_data_dir("kamkit"))
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigurationError(
            f"KAMKIT_DATA_DIR {str(path)!r} is not a writable folder ({exc.strerror or exc})."
        ) from None
    return path


def secret_key(folder: Path) -> str:
    """KAMKIT_SECRET_KEY, or a key generated once and kept in the data folder."""
    if key := os.environ.get("KAMKIT_SECRET_KEY"):
        return key
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass(frozen=True)
class DatabaseConfig:
    settings: dict[str, object]
    url_for_messages: str


def database(folder: Path) -> DatabaseConfig:
    """KAMKIT_DATABASE_URL (postgres://... or sqlite:///...), SQLite in the data folder by default."""
    url = os.environ.get("KAMKIT_DATABASE_URL") or f"sqlite:///{folder / 'kamkit.sqlite3'}"
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ConfigurationError(f"KAMKIT_DATABASE_URL {url!r} is not understood: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while a writer writes; IMMEDIATE avoids "database is locked"
        # upgrades when two requests write at once.
        config["OPTIONS"] = {
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"),
            "transaction_mode": "IMMEDIATE",
        }
        config["CONN_MAX_AGE"] = 0
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})
        options = config["OPTIONS"]
        assert isinstance(options, dict)
        options.setdefault("connect_timeout", 5)
    return DatabaseConfig(settings=config, url_for_messages=_without_password(url))


def _without_password(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url
