"""Settings come from KOMPASS_* variables; bad values stop the service with a clear message."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from service.settings import Settings, SettingsError, ensure_secret, from_env, setting_names

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_environment() -> None:
    settings = from_env({})
    assert settings == Settings()
    assert settings.port == 8000
    assert settings.public_url == "http://127.0.0.1:8000"


def test_values_are_decoded_from_strings() -> None:
    settings = from_env(
        {"KOMPASS_PORT": "8080", "KOMPASS_MAX_UPLOAD_MB": "5", "KOMPASS_LOCALE": "sv"}
    )
    assert (settings.port, settings.max_upload_mb, settings.locale) == (8080, 5, "sv")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"KOMPASS_PORT": "abc"}, "KOMPASS_PORT='abc': Expected `int`, got `str`"),
        ({"KOMPASS_PORT": "70000"}, "KOMPASS_PORT='70000': Expected `int` <= 65535"),
        ({"KOMPASS_LOCALE": "de"}, "KOMPASS_LOCALE='de': Expected `str` matching regex"),
        ({"KOMPASS_MAX_UPLOAD_MB": "0"}, "KOMPASS_MAX_UPLOAD_MB='0': Expected `int` >= 1"),
        ({"KOMPASS_LOG_LEVEL": "LOUD"}, "KOMPASS_LOG_LEVEL='LOUD': Expected `str` matching regex"),
        ({"KOMPASS_PROT": "8000"}, "unknown setting KOMPASS_PROT"),
        (
            {"KOMPASS_QUESTIONNAIRES": "/no/such/dir"},
            "KOMPASS_QUESTIONNAIRES='/no/such/dir': not a directory",
        ),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], expected: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(expected)):
        from_env(env)


def test_short_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="KOMPASS_SECRET_KEY: must be at least 32 characters"):
        ensure_secret(Settings(secret_key="short", data_dir=str(tmp_path)))


def test_generated_secret_is_kept_between_starts(tmp_path: Path) -> None:
    first = ensure_secret(Settings(data_dir=str(tmp_path)))
    second = ensure_secret(Settings(data_dir=str(tmp_path)))
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_damaged_stored_secret_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("", encoding="ascii")
    with pytest.raises(SettingsError, match="stored secret key is damaged"):
        ensure_secret(Settings(data_dir=str(tmp_path)))


def test_every_setting_is_documented() -> None:
    docs = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name in setting_names():
        assert f"`{name}`" in docs, f"{name} is not documented in docs/settings.md"


def test_serve_with_a_bad_setting_exits_2_with_the_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "serve"],
        cwd=tmp_path,
        env={"KOMPASS_PORT": "not-a-port", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "kompass: bad setting: KOMPASS_PORT='not-a-port'" in result.stderr
    assert "Traceback" not in result.stderr
