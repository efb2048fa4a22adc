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


def send(settings: Settings, message: EmailMessage) -> None:
    """Send one message; raises OSError/SMTPException when the server refuses."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
