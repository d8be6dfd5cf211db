"""Real-world-shaped e-mail, generated: what a support mailbox receives in a week.

Plain and HTML mail in UTF-8, windows-1250 and iso-8859-2, PDF and image attachments,
inline images, replies to earlier mail, out-of-office replies, mail without a
Message-ID. Deterministic for a seed. Used by the fault tests and bench/mail.py."""

from __future__ import annotations

import datetime as dt
import random
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

SUBJECTS = (
    "Błąd przy zamknięciu miesiąca",
    "Nie drukuje się faktura",
    "Pytanie o licencję stanowiskową",
    "Zgłoszenie: aktualizacja do wersji 2026.3",
    "Import wyciągu bankowego zwraca błąd",
    "Prośba o zdalne połączenie",
    "Jak zmienić stawkę VAT w kartotece?",
    "Ważne: system nie uruchamia się po aktualizacji",
)
BODY = (
    "Dzień dobry,\n\nprzy próbie {what} program zgłasza błąd „Nie można zapisać dokumentu”.\n"
    "Proszę o pomoc. Zrzut ekranu w załączniku.\n\nZ poważaniem\n{name}\n"
)
WHAT = ("księgowania", "wydruku", "zamknięcia okresu", "importu", "eksportu JPK")
PDF = b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 40 + b"%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _base(rng: random.Random, sender: str, when: dt.datetime) -> EmailMessage:
    message = EmailMessage()
    local, _, domain = sender.partition("@")
    message["From"] = Address(local.capitalize(), local, domain)
    message["To"] = "pomoc@kjm.example"
    message["Date"] = format_datetime(when)
    message["Subject"] = rng.choice(SUBJECTS)
    return message


def generate(
    count: int, senders: list[str], *, seed: int = 7, thread_ids: list[str] | None = None
) -> list[bytes]:
    """``count`` messages; replies answer ``thread_ids`` (e.g. our acknowledgements) or
    earlier messages of the corpus."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 16, 8, 0, tzinfo=dt.UTC)
    earlier: list[str] = list(thread_ids or [])
    out: list[bytes] = []
    for n in range(count):
        sender = senders[n % len(senders)]
        when = start + dt.timedelta(minutes=7 * n)
        message = _base(rng, sender, when)
        kind = n % 10
        text = BODY.format(what=rng.choice(WHAT), name=sender.split("@")[0].capitalize())
        if kind in (0, 1, 2):
            message.set_content(text)
        elif kind == 3:  # Outlook in windows-1250, quoted-printable
            message.set_content(text, charset="windows-1250", cte="quoted-printable")
        elif kind == 4:  # HTML with a plain alternative, iso-8859-2 (which lacks „”)
            text = text.replace("„", '"').replace("”", '"')
            message.set_content(text, charset="iso-8859-2", cte="8bit")
            html = "<html><body><p>" + text.replace("\n", "<br>") + "</p></body></html>"
            message.add_alternative(html, subtype="html", charset="iso-8859-2", cte="8bit")
        elif kind == 5:  # a PDF attached
            message.set_content(text)
            message.add_attachment(
                PDF, maintype="application", subtype="pdf", filename="faktura.pdf"
            )
        elif kind == 6:  # HTML with an inline screenshot
            message.set_content(text)
            cid = make_msgid(domain="a.example")
            message.add_alternative(f'<p>{text}</p><img src="cid:{cid[1:-1]}">', subtype="html")
            html_part = message.get_body(preferencelist=("html",))
            assert isinstance(html_part, EmailMessage)
            html_part.add_related(PNG, maintype="image", subtype="png", cid=cid)
        elif kind == 7 and earlier:  # a reply in a thread
            parent = rng.choice(earlier)
            message.replace_header("Subject", "Re: " + str(message["Subject"]))
            message["In-Reply-To"] = parent
            message["References"] = parent
            message.set_content("Dziękuję, w załączeniu dodatkowe informacje.\n" + text)
        elif kind == 8:  # an out-of-office reply
            message.replace_header("Subject", "Odpowiedź automatyczna: " + str(message["Subject"]))
            message["Auto-Submitted"] = "auto-replied"
            message.set_content("Jestem na urlopie do poniedziałku.\n")
        else:
            message.set_content(text, charset="utf-8", cte="8bit")
        if kind != 9 or n % 20 != 9:  # one in twenty has no Message-ID
            message_id = f"<corpus-{seed}-{n}@{sender.partition('@')[2]}>"
            message["Message-ID"] = message_id
            earlier.append(message_id)
        else:
            message["X-Mailer"] = f"old-mailer {n}"  # keeps the bytes unique
        out.append(message.as_bytes().replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n"))
    return out
