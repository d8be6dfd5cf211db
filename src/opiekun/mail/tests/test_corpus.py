"""The parser over 509 real messages of eleven public mail-parser corpora (corpus/,
licences in corpus/LICENSES.md): no crash, the sender right wherever there is an
address, subject and text decoded right, automatic mail recognised, and people's
subjects never taken for automatic (issue 18)."""

from __future__ import annotations

import email
import re
from email import policy
from functools import cache
from pathlib import Path

import pytest

from opiekun.mail.parse import InboundMessage, ParseError, parse

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.rglob("*.eml"))

# Signs of text decoded wrong: UTF-8 read as an 8-bit charset, characters replaced,
# encoded words or quoted-printable left undecoded, escape sequences of ISO-2022.
WRONGLY_DECODED = re.compile(
    "Ã[\x80-\xbf©¨³¶¼]|Ä[\x80-\x9f…™‡]|Å[\u201a\u203aş„]|Ð[°-¿]|\ufffd|=\\?[\\w-]+\\?[bq]\\?|\x1b"
    r"|=[0-9A-F]{2}=[0-9A-F]{2}",
    re.IGNORECASE,
)
# Messages whose text is wrong as sent, checked by hand: the sender's own mojibake or
# replacement characters, a quoted-printable body not declared as such, or quoted
# quoted-printable inside a plain reply; one NEC character ISO-2022-JP has not.
WRONG_AS_SENT = {
    "mikel-mail/error_emails_content_transfer_encoding_empty.eml",
    "mikel-mail/error_emails_must_supply_encoding.eml",
    "php-mime-mail-parser/issue116.eml",
    "php-mime-mail-parser/issue84.eml",
    "stalwart-mail-parser/thirdparty_002.eml",
    "stalwart-mail-parser/thirdparty_004.eml",
}

# Read by hand from the raw files: (sender, subject, how the text starts).
EXPECTED = {
    "flanker/messages_bz2-attachment.eml": ("alice@example.com", "hello", "hello, world"),
    "flanker/messages_relative.eml": (
        "example@example.com",
        "Html and text message",
        "This is html and text message, thanks",
    ),
    "flanker/messages_torture-part.eml": (
        "mrc@cac.washington.edu",
        "Multi-media mail demonstration",
        "This is a demonstration of multi-part mail with en",
    ),
    "mikel-mail/attachment_emails_attachment_pdf_non_ascii.eml": (
        "xxxx@xxxx.com",
        "Another PDF with 🎉 Unicode chars in it 🍿",
        "Just attaching another PDF, here, to see what the ",
    ),
    "mikel-mail/error_emails_content_transfer_encoding_x_uuencode.eml": (
        "lpeters@pacifier.com",
        "PGP Comments on RTO West Release of Dec. 14",
        "Attached are the comments of the Public Generating",
    ),
    "mikel-mail/multi_charset_japanese_attachment_long_name.eml": (
        "mikel@test.lindsaar.net",
        "まみむめも" * 10,
        "this is the data",
    ),
    "mikel-mail/plain_emails_raw_email_incorrect_header.eml": (
        "xxx@xxx.xxx",
        "Stop adware/spyware once and for all.",
        "You are infected with:",
    ),
    "mikel-mail/rfc2822_example13.eml": (
        "jdoe@machine.example",
        "Saying Hello",
        "This is a message just to say hello.",
    ),
    "mikel-mail/rfc6532_utf8_headers.eml": ("jdöe@mächine.example", "Säying Hello", "body"),
    "mime4j/test_resources_mimetools-testmsgs_uu-junk-target.eml": (
        "support@webmail.uwohali.com",
        "mime::parser",
        "Eryq -",
    ),
    "mime4j/test_resources_testmsgs_basic-plain.eml": (
        "foo@example.com",
        "Simple Subject",
        "This is a very simple message with a simple body a",
    ),
    "mime4j/test_resources_testmsgs_obsolete.eml": (
        "",
        "The obsolete syntax allow spaces before the colon and also empty lines in folding.",
        "",
    ),
    "mimekit/content-length-mbox-00.eml": (
        "mailusr1@navstar1.mcom.com",
        "Re: mailusr1@navstar1 3.0b6gold #1",
        "default echo 1",
    ),
    "php-mime-mail-parser/m0025.eml": (
        "name@company.com",
        "Testing MIME E-mail composing with cid",
        "This is an HTML message. Please use an HTML capabl",
    ),
    "php-mime-mail-parser/issue212.eml": (
        "",
        "Automatyczna odpowiedź: Piotrze, test z 6 miesięcy nauki ciągle na Ciebie czeka",
        "toto",
    ),
    "spamscope-mail-parser/mail_malformed_2.eml": (
        "postmaster@netpar.com.br",
        "Delivery failure (abh@netpar.com.br)",
        "Your message has encountered delivery problems",
    ),
    "spamscope-mail-parser/mail_malformed_3.eml": (
        "smgsiso@yahoo.com.mx",
        "Ahorre Dinero en su Recibo de Luz",
        "Problemas para visualizar",
    ),
    "spamscope-mail-parser/mail_test_6.eml": (
        "noreply@ggg.com",
        "Быстрее вкладывайте в золото!",
        "",
    ),
    "spamscope-mail-parser/mail_test_12.eml": (
        "baoguan@hotmail.com",
        "代开各地增值税发票",
        "你好\uff01我公司可代开各类增值税发票",
    ),
    "stalwart-mail-parser/legacy_001.eml": (
        "doug@example.com",
        "Die Hasen und die Frösche (Microsoft Outlook 00)",
        "Die Hasen und die Frösche",
    ),
    "stalwart-mail-parser/legacy_033.eml": (
        "dwsauder@example.com",
        "Test message from Netscape Communicator 4.7",
        "Die Hasen und die Frösche",
    ),
    "stalwart-mail-parser/legacy_039.eml": (
        "dwsauder@example.com",
        "Test message from Netscape Communicator 4.7",
        "Die Hasen und die Frösche",
    ),
    "stalwart-mail-parser/rfc_003.eml": (
        "nsb@bellcore.com",
        "Formatted text mail",
        "... plain text version of message goes here ...",
    ),
    "stalwart-mail-parser/thirdparty_003.eml": ("", "", "Move black king to queen's bishop"),
    "stalwart-mail-parser/thirdparty_010.eml": ("", "こんにちは", "人権の無視及"),
    "zbateson-mail-mime-parser/emails_m0022.eml": ("test@test.sk", "long att", "long att"),
    "cpython-test-email/msg_01.eml": ("bbb@ddd.com", "This is a test message", "Hi,"),
}

# Robots by hand: bounces of many mail servers, delayed-delivery warnings, ARF feedback
# reports, read receipts, out-of-office replies, list and no-reply senders.
AUTOMATIC = {
    "cpython-test-email/msg_16.eml",
    "cpython-test-email/msg_25.eml",
    "cpython-test-email/msg_43.eml",
    "flanker/messages_bounce_broken-mime.eml",
    "flanker/messages_bounce_delayed-broken.eml",
    "flanker/messages_bounce_delayed.eml",
    "flanker/messages_bounce_gmail-invalid-address.eml",
    "flanker/messages_bounce_gmail-no-dns.eml",
    "flanker/messages_bounce_mailbox-full.eml",
    "flanker/messages_bounce_no-mx.eml",
    "flanker/messages_bounce_office365.eml",
    "flanker/messages_bounce_zed.eml",
    "flanker/messages_complaints_aol.eml",
    "flanker/messages_complaints_yahoo.eml",
    "flanker/messages_disposition-notification.eml",
    "mikel-mail/error_emails_encoding_madness.eml",
    "mikel-mail/mime_emails_raw_email_with_mimepart_without_content_type.eml",
    "mikel-mail/multipart_report_emails_multi_address_bounce1.eml",
    "mikel-mail/multipart_report_emails_multipart_report_multiple_status.eml",
    "mikel-mail/multipart_report_emails_report_422.eml",
    "mikel-mail/multipart_report_emails_report_530.eml",
    "mikel-mail/plain_emails_raw_email_trailing_dot.eml",
    "mime4j/test_resources_mimetools-testmsgs_badbound.eml",
    "mimekit/messages_bounce.eml",
    "mimekit/messages_delivery-status-multiple-blank-lines.eml",
    "mimekit/messages_delivery-status-no-blank-line.eml",
    "mimekit/messages_delivery-status.eml",
    "mimekit/messages_delivery-status2.eml",
    "mimekit/messages_disposition-notification.eml",
    "mimekit/messages_feedback-report.eml",
    "nodemailer-mailparser/delivery-status.eml",
    "php-mime-mail-parser/failure.eml",
    "php-mime-mail-parser/issue212.eml",
    "php-mime-mail-parser/m0009.eml",
    "spamscope-mail-parser/mail_malformed_2.eml",
    "spamscope-mail-parser/mail_test_13.eml",
    "stalwart-mail-parser/thirdparty_014.eml",
}


def name(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


@cache
def parsed() -> dict[str, InboundMessage]:
    return {name(path): parse(path.read_bytes()) for path in FILES}


def test_the_corpus_has_500_real_messages_from_four_sources_with_licences() -> None:
    sources = {path.parent.name for path in FILES}
    assert len(FILES) >= 500 and len(sources) >= 4
    licences = (CORPUS / "LICENSES.md").read_text()
    assert all(f"| {source} |" in licences for source in sources)


def test_no_message_of_the_corpus_crashes_the_parser_or_is_refused() -> None:
    refused = []
    for path in FILES:
        try:
            parse(path.read_bytes())
        except ParseError as exc:
            refused.append(f"{name(path)}: {exc}")
    assert refused == []


def test_the_sender_is_the_address_of_from_on_every_message_that_has_one() -> None:
    """Python's modern address parser is the independent reading; where it finds one
    plain address in From, ours is the same (a wrong one would be a misread sender)."""
    wrong = []
    for path in FILES:
        raw = path.read_bytes()
        try:
            header = email.message_from_bytes(raw, policy=policy.default)["From"]
            theirs = [a.addr_spec.lower() for a in header.addresses] if header else []
        except Exception:  # noqa: S112 the modern parser gives up on some: ours is checked below
            continue
        plain = theirs and theirs[0].isascii() and "@" in theirs[0] and " " not in theirs[0]
        if plain and parsed()[name(path)].sender != theirs[0]:
            wrong.append((name(path), theirs[0], parsed()[name(path)].sender))
    assert wrong == []
    for message in parsed().values():
        assert message.sender == "" or re.fullmatch(r"[^@\s<>=?]+@[^@\s<>]+", message.sender)


def test_subject_and_text_are_decoded_right_on_at_least_97_per_cent() -> None:
    wrong = {
        key
        for key, message in parsed().items()
        if WRONGLY_DECODED.search(message.subject) or WRONGLY_DECODED.search(message.text)
    }
    assert wrong <= WRONG_AS_SENT
    assert len(wrong) <= 0.03 * len(FILES)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_messages_read_by_hand(key: str) -> None:
    sender, subject, text = EXPECTED[key]
    message = parsed()[key]
    assert (message.sender, message.subject) == (sender, subject)
    assert message.text.strip().startswith(text)


def test_automatic_mail_of_the_corpus_is_recognised() -> None:
    missed = [key for key in sorted(AUTOMATIC) if not parsed()[key].automatic]
    assert missed == []


def test_people_s_subjects_in_polish_and_english_are_never_taken_for_automatic() -> None:
    subjects = [
        line
        for line in (CORPUS / "subjects.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(subjects) >= 40
    taken = []
    for subject in subjects:
        raw = (
            "From: =?utf-8?q?Anna_Kowalska?= <anna@customer.example>\r\n"
            f"To: pomoc@kjm.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nDzień dobry, proszę o pomoc.\r\n"
        ).encode()
        if parse(raw).automatic:
            taken.append((subject, parse(raw).automatic))
    assert taken == []


def test_nothing_of_the_corpus_holds_what_no_column_can_store() -> None:
    for key, message in parsed().items():
        fields = [message.subject, message.text, message.new_text, message.html, message.sender]
        fields += [message.sender_name, *(part.filename for part in message.attachments)]
        assert not any("\x00" in value for value in fields), key
