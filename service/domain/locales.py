"""The locales Kompass speaks, declared once; everything else (i18n, CLI, checks) reads this."""

from __future__ import annotations

from typing import Final

# Norwegian Bokmål, Swedish, English: the order is the language menu's.
LOCALES: Final = ("nb", "sv", "en")
