"""The gap-analysis PDF: the report model rendered by WeasyPrint, cached by its content."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import msgspec

from service.i18n import Translator
from service.report.rows import ReportModel
from service.report.templates import TEMPLATE_DIR, render

TEMPLATE = "report/report.html"
# Bump when the report's layout changes in a way the model does not show.
LAYOUT_VERSION = "2"


# Keys already worked out, by the model object they were computed for (kept alive here, so
# its id is not reused) and the report templates' stamps. The results cache hands out the
# same model while a round is unchanged, so a status poll no longer encodes and hashes the
# whole model (about 260 kB for 50 respondents) and reads every template file each time.
_KEYS: dict[tuple[int, bool], tuple[ReportModel, tuple[tuple[str, int, int], ...], str]] = {}
_KEYS_KEPT = 32


def _template_stamp() -> tuple[tuple[str, int, int], ...]:
    stamps = []
    for path in sorted((TEMPLATE_DIR / "report").glob("*")):
        stat = path.stat()
        stamps.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def cache_key(model: ReportModel, full: bool = False) -> str:
    """A digest of everything the PDF is made from: the model, the template and the layout."""
    stamp = _template_stamp()
    hit = _KEYS.get((id(model), full))
    if hit is not None and hit[0] is model and hit[1] == stamp:
        return hit[2]
    key = _cache_key(model, full)
    if len(_KEYS) >= _KEYS_KEPT:
        _KEYS.clear()
    _KEYS[(id(model), full)] = (model, stamp, key)
    return key


def _cache_key(model: ReportModel, full: bool) -> str:
    digest = hashlib.sha256()
    digest.update(LAYOUT_VERSION.encode())
    digest.update(b"full" if full else b"main")
    digest.update(msgspec.json.encode(msgspec.structs.replace(model, generated="")))
    for path in sorted((TEMPLATE_DIR / "report").glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def html(model: ReportModel, t: Translator, full: bool = False) -> str:
    """The report as HTML for print; ``full`` appends the whole disagreement table."""
    return render(TEMPLATE, t, m=model, full=full)


def render_pdf(model: ReportModel, t: Translator, full: bool = False) -> bytes:
    """Render the report; fonts are embedded and the PDF is tagged for assistive technology."""
    # Imported on first render: WeasyPrint (with fontTools) is more than half of the
    # service's import time, and start-up should not wait for a report nobody asked for yet.
    import weasyprint  # noqa: PLC0415

    document = weasyprint.HTML(string=html(model, t, full), base_url=str(TEMPLATE_DIR))
    pdf: bytes = document.write_pdf(pdf_tags=True, custom_metadata=True)
    return pdf


def cached_path(cache_dir: Path, key: str) -> Path:
    """Where the PDF for ``key`` is (or will be) stored."""
    return cache_dir / f"{key}.pdf"


def render_to_cache(model: ReportModel, t: Translator, cache_dir: Path, full: bool = False) -> Path:
    """Render unless an identical report exists; write atomically so readers never see half a file."""
    path = cached_path(cache_dir, cache_key(model, full))
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = render_pdf(model, t, full)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    Path(tmp).replace(path)
    return path
