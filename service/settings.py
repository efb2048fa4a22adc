"""Service settings, read once from ``KOMPASS_*`` environment variables.

Every setting is documented in ``docs/settings.md``; a test keeps the two in step.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import msgspec

from service.questionnaires import QUESTIONNAIRE_DIR
from service.storage.files import create_private, private_dir

PREFIX = "KOMPASS_"
SECRET_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


class SettingsError(Exception):
    """A setting has a value the service cannot start with."""


class Settings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Everything the service needs to know about its environment."""

    db: str = "kompass.db"
    data_dir: str = "data"
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 8000
    base_url: str = ""
    locale: Annotated[str, msgspec.Meta(pattern="^(nb|sv|en)$")] = "nb"
    questionnaires: str = str(QUESTIONNAIRE_DIR)
    max_upload_mb: Annotated[int, msgspec.Meta(ge=1, le=1024)] = 25
    smtp_host: str = ""
    smtp_port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 25
    smtp_sender: str = "kompass@localhost"
    log_level: Annotated[str, msgspec.Meta(pattern="^(DEBUG|INFO|WARNING|ERROR)$")] = "INFO"
    log_format: Annotated[str, msgspec.Meta(pattern="^(text|json)$")] = "text"
    db_busy_timeout_ms: Annotated[int, msgspec.Meta(ge=100, le=60000)] = 5000
    retention_years: Annotated[int, msgspec.Meta(ge=0, le=100)] = 5
    evidence_quota_mb: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 200
    llm_url: Annotated[str, msgspec.Meta(pattern=r"^(https?://\S+)?$")] = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: Annotated[float, msgspec.Meta(gt=0, le=300)] = 20.0

    @property
    def llm_enabled(self) -> bool:
        """Whether an optional language model is configured (URL and model both set)."""
        return bool(self.llm_url and self.llm_model)

    @property
    def db_path(self) -> Path:
        """The SQLite file."""
        return Path(self.db)

    @property
    def data_path(self) -> Path:
        """The folder for evidence files, reports and the generated secret."""
        return Path(self.data_dir)

    @property
    def questionnaire_path(self) -> Path:
        """The folder of questionnaire definitions."""
        return Path(self.questionnaires)

    @property
    def public_url(self) -> str:
        """The address used in links sent to respondents."""
        return self.base_url.rstrip("/") or f"http://{self.host}:{self.port}"


def _env_name(field: str) -> str:
    return PREFIX + field.upper()


def setting_names() -> list[str]:
    """Every environment variable the service reads, for docs and tests."""
    return [_env_name(f) for f in Settings.__struct_fields__]


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Decode the ``KOMPASS_*`` variables; raise :class:`SettingsError` naming the bad one."""
    env = os.environ if environ is None else environ
    known = {_env_name(f): f for f in Settings.__struct_fields__}
    unknown = sorted(k for k in env if k.startswith(PREFIX) and k not in known)
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]} (known: {', '.join(sorted(known))})")
    raw = {known[k]: v for k, v in env.items() if k in known}
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.rsplit("$.", 1)[-1].rstrip("`") if "$." in message else ""
        name = _env_name(field) if field in Settings.__struct_fields__ else "settings"
        value = raw.get(field, "")
        detail = message.split(" - at ", maxsplit=1)[0]
        raise SettingsError(f"{name}={value!r}: {detail}") from None
    if not settings.questionnaire_path.is_dir():
        raise SettingsError(
            f"{_env_name('questionnaires')}={settings.questionnaires!r}: not a directory"
        )
    return settings


def ensure_secret(settings: Settings) -> Settings:
    """Fill an empty secret key from ``data_dir``, creating a random one on first start.

    A fixed default would make every install's sessions forgeable; a per-install
    random key kept beside the data survives restarts without any configuration.
    """
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            raise SettingsError(f"{_env_name('secret_key')}: must be at least 32 characters")
        return settings
    private_dir(settings.data_path)
    path = settings.data_path / SECRET_FILE
    # Created 0600 in one step (no window in which another user could read it); if two
    # processes start at once, O_EXCL lets one write it and the other read that one.
    create_private(path, secrets.token_urlsafe(48).encode("ascii"))
    stored = path.read_text(encoding="ascii", errors="replace").strip()
    if len(stored) < 32:  # e.g. cut short by a crash: never sign sessions with it
        raise SettingsError(
            f"{path}: the stored secret key is damaged (under 32 characters);"
            " delete the file and a new one is made at the next start"
        )
    return msgspec.structs.replace(settings, secret_key=stored)
