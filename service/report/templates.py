"""The Jinja environment for documents rendered outside a web request (the PDF)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.i18n import Translator

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "templates"


@cache
def environment() -> Environment:
    """Templates with the same options and i18n extension as the web app."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["zip"] = zip
    return env


def render(name: str, t: Translator, **context: Any) -> str:
    """Render a template with ``t`` bound as ``_``/``gettext``/``ngettext``."""
    return (
        environment()
        .get_template(name)
        .render(
            t=t, _=t.gettext, gettext=t.gettext, ngettext=t.ngettext, locale=t.locale, **context
        )
    )
