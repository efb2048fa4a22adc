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
LAYOUT_VERSION = "1"


def cache_key(model: ReportModel) -> str:
    """A digest of everything the PDF is made from: the model, the template and the layout."""
    digest = hashlib.sha256()
    digest.update(LAYOUT_VERSION.encode())
    digest.update(msgspec.json.encode(msgspec.structs.replace(model, generated="")))
    for path in sorted((TEMPLATE_DIR / "report").glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def html(model: ReportModel, t: Translator) -> str:
    """The report as HTML for print."""
    return render(TEMPLATE, t, m=model)


def render_pdf(model: ReportModel, t: Translator) -> bytes:
    """Render the report; fonts are embedded and the PDF is tagged for assistive technology."""
    # Imported on first render: WeasyPrint (with fontTools) is more than half of the
    # service's import time, and start-up should not wait for a report nobody asked for yet.
    import weasyprint  # noqa: PLC0415

    document = weasyprint.HTML(string=html(model, t), base_url=str(TEMPLATE_DIR))
    pdf: bytes = document.write_pdf(pdf_tags=True, custom_metadata=True)
    return pdf


def cached_path(cache_dir: Path, key: str) -> Path:
    """Where the PDF for ``key`` is (or will be) stored."""
    return cache_dir / f"{key}.pdf"


def render_to_cache(model: ReportModel, t: Translator, cache_dir: Path) -> Path:
    """Render unless an identical report exists; write atomically so readers never see half a file."""
    path = cached_path(cache_dir, cache_key(model))
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = render_pdf(model, t)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    Path(tmp).replace(path)
    return path
