"""The coordinator's round page, and how new personal links reach it exactly once."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from litestar import Request
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from service import assisting, labels, progress, results
from service import rounds as use
from service.i18n import N_, Translator
from service.mailer import smtp_configured
from service.report import exports
from service.settings import Settings
from service.storage import accounts, evidence, rounds
from service.web import oneshot
from service.web.auth import SignedIn
from service.web.context import render, request_translator
from service.web.deps import CatalogDep, SettingsDep, StoreDep

Form = URLEncodedBody[dict[str, str]]


def round_page(
    request: Request[Any, Any, Any],
    store: StoreDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    coordinator: SignedIn,
    rnd: rounds.Round,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    """The round page for the signed-in coordinator, with ``extra`` in its context."""
    db = store.db()
    q, answers_now, result = results.scored(db, catalog, rnd)
    locale = request_translator(request, rnd.locale).locale
    rows = progress.respondent_progress(db, catalog, rnd, locale, answers_now)
    t = request_translator(request, rnd.locale)
    reminded = request.session.get(REMINDED) if request.session else None
    if isinstance(reminded, dict) and reminded.get("round") == rnd.id:
        request.set_session({k: v for k, v in request.session.items() if k != REMINDED})
    else:
        reminded = None
    context: dict[str, Any] = {
        "round": rnd,
        "q": q,
        "municipality": accounts.get_municipality(db, coordinator.municipality_id),
        "coordinator": coordinator,
        "rows": rows,
        "progress": progress.role_progress(q, rows, locale),
        "roles": progress.role_titles(q, locale),
        "coverage": use.round_coverage(db, catalog, rnd),
        "indicator_titles": {ind.id: q.text(ind.question, locale) for _, _, ind in q.indicators()},
        "area_titles": {a.number: q.text(a.title, locale) for a in q.areas},
        "short_reason": lambda reason: labels.short_reason(t, reason),
        "new_links": None,
        # A fresh one-time id per rendering of the forms that make links (see claim_batch).
        "batch": secrets.token_urlsafe(16),
        "reminded": reminded,
        "not_finished": sum(1 for r in rows if not r.record.revoked and r.complete < r.total),
        "form": {},
        "row_problems": [],
        "evidence": evidence.list_for_round(db, rnd.id),
        # The assistant's hints beside each file worth a second look (a hint, not a verdict).
        "evidence_hints": {
            h.evidence_id: h.check.hints
            for h in assisting.round_evidence_hints(db, catalog, rnd, locale, settings)
            if h.flagged and h.check.hints
        },
        "llm": {
            "configured": settings.llm_enabled,
            "allowed": assisting.llm_allowed(db, rnd),
        },
        "assessment": result,
        "smtp": smtp_configured(settings),
        "new_link": None,
        "error": None,
        "confirm_close": False,
    }
    context.update(extra)
    return render(
        request,
        "coordinator/round.html",
        status_code=status_code,
        default_locale=rnd.locale,
        **context,
    )


USED_BATCHES = "used_batches"
MAX_USED_BATCHES = 50
BATCH_USED = N_(
    "This form was already sent, so nothing was done again. The links it made were shown"
    " only once; if one is lost, use “New link” for that person."
)
REMINDED = "reminded"
LANG_ORDER = ["nb", "sv", "en"]


def show_link_once(
    settings: Settings,
    coordinator: accounts.Coordinator,
    rnd: rounds.Round,
    invitation: use.Invitation,
) -> Redirect:
    """Carry the new link to one view of the round page (post/redirect/get).

    The link travels in a signed, short-lived cookie (``service.web.oneshot``): neither the
    database nor the session file ever holds it; a reload must not invite anyone twice.
    """
    redirect = Redirect(f"/rounds/{rnd.id}#new-link", status_code=303)
    redirect.set_cookie(
        oneshot.link_cookie(
            settings.secret_key,
            settings.public_url.startswith("https://"),
            coordinator.id,
            rnd.id,
            invitation.respondent.record.id,
            invitation.link,
        )
    )
    return redirect


def claimable(request: Request[Any, Any, Any], batch: object) -> bool:
    """Whether ``batch`` is a one-time form id this session has not used yet."""
    if not isinstance(batch, str) or not 8 <= len(batch) <= 64:
        return False
    used = request.session.get(USED_BATCHES) if request.session else None
    return not (isinstance(used, list) and batch in used)


def claim(request: Request[Any, Any, Any], batch: str) -> None:
    """Remember ``batch`` as used (only the ids, never the links; the newest few)."""
    used = request.session.get(USED_BATCHES) if request.session else None
    kept = [b for b in used if isinstance(b, str)] if isinstance(used, list) else []
    request.set_session(
        {**(request.session or {}), USED_BATCHES: [*kept, batch][-MAX_USED_BATCHES:]}
    )


def links_shown(
    t: Translator, rnd: rounds.Round, invitations: list[use.Invitation]
) -> dict[str, Any]:
    """A batch of new links for this one response: the list and its CSV as a data: URL.

    Nothing of it is kept: the database holds only each link's hash, and the session never
    sees the links, so after this page only "New link" helps.
    """
    links = [
        {
            "respondent": i.respondent.record.id,
            "name": i.respondent.record.name,
            "email": i.respondent.record.email,
            "role": i.respondent.role_title,
            "link": i.link,
            "emailed": i.emailed,
        }
        for i in invitations
    ]
    table = exports.Table(
        name="links",
        title=t("Personal link"),
        headers=[t("Name"), t("E-mail"), t("Role"), t("Personal link")],
        rows=[
            [i.respondent.record.name, i.respondent.record.email, i.respondent.role_title, i.link]
            for i in invitations
        ],
    )
    # The same CSV as the result exports: a byte-order mark for spreadsheet programs, and
    # names that look like formulas are defused. A download link is navigation, which the
    # CSP does not restrict, so no server round trip (and no stored copy) is needed.
    csv_bytes = ("\ufeff" + exports.to_csv(table)).encode()
    return {
        "links": links,
        "csv_name": f"kompass-links-round-{rnd.id}.csv",
        "csv_url": "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv_bytes).decode(),
    }
