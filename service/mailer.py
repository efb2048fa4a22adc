"""Invitation e-mails over SMTP, when an SMTP host is configured."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from service.i18n import Translator
from service.settings import Settings


def smtp_configured(settings: Settings) -> bool:
    """Whether Kompass should e-mail links (otherwise they are only shown for copying)."""
    return bool(settings.smtp_host)


def invitation(
    t: Translator, *, to: str, municipality: str, round_name: str, role: str, link: str, sender: str
) -> EmailMessage:
    """The invitation e-mail, in the round's language."""
    message = EmailMessage()
    message["Subject"] = t("Invitation: %(round)s", round=round_name)
    message["From"] = sender
    message["To"] = to
    message.set_content(
        "\n\n".join(
            [
                t(
                    "%(municipality)s is assessing how it works, using the Kommunekompass method. "
                    "You are invited to answer as %(role)s.",
                    municipality=municipality,
                    role=role,
                ),
                t("Your personal link (do not share it):"),
                link,
                t(
                    "You can stop at any time and continue later from the same link: "
                    "everything you answer is saved at once."
                ),
            ]
        )
    )
    return message


def reminder(
    t: Translator,
    *,
    to: str,
    municipality: str,
    round_name: str,
    role: str,
    link: str | None,
    deadline: str | None,
    left: int,
    sender: str,
) -> EmailMessage:
    """A reminder to someone not finished, in the round's language.

    ``link`` is a new personal link (the old one no longer works) or None: then the reminder
    points to the invitation, since Kompass keeps no copy of the link it sent.
    """
    message = EmailMessage()
    message["Subject"] = t("Reminder: %(round)s", round=round_name)
    message["From"] = sender
    message["To"] = to
    parts = [
        t(
            "%(municipality)s is assessing how it works, and your answers as %(role)s are "
            "still missing for some questions.",
            municipality=municipality,
            role=role,
        ),
        t.ngettext(
            "%(num)s question is left for you.", "%(num)s questions are left for you.", left
        ),
    ]
    if deadline:
        parts.append(t("Please answer by %(date)s.", date=deadline))
    if link:
        parts += [t("Your new personal link (the earlier one no longer works):"), link]
    else:
        parts.append(
            t(
                "Use the personal link from your invitation e-mail; everything you answered "
                "is kept. If you cannot find it, ask your coordinator for a new one."
            )
        )
    message.set_content("\n\n".join(parts))
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Send one message; raises OSError/SMTPException when the server refuses."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
