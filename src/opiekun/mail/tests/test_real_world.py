"""Issue 18's defect classes, each in general: raw 8-bit parameters, addresses before
encoded words (and spoofing), WHATWG charsets, every inline part, broken but readable
mail, automatic mail, quoted replies, NUL bytes and reused Message-IDs."""

from __future__ import annotations

import base64
import logging

import pytest

from opiekun.mail import actions, charsets, replies
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import parse
from opiekun.testing.personas import Personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message, Ticket


def headers(extra: str = "", *, sender: str = "Adam <adam@a.example>") -> bytes:
    return (
        f"From: {sender}\r\nTo: pomoc@kjm.example\r\nSubject: Program nie drukuje\r\n"
        f"Message-ID: <rw-{abs(hash(extra + sender))}@a.example>\r\nMIME-Version: 1.0\r\n{extra}"
    ).encode()


def multipart(*parts: bytes | str, kind: str = "mixed") -> bytes:
    encoded = [part.encode() if isinstance(part, str) else part for part in parts]
    body = b"".join(b"--XX\r\n" + part + b"\r\n" for part in encoded) + b"--XX--\r\n"
    return headers(f'Content-Type: multipart/{kind}; boundary="XX"\r\n') + b"\r\n" + body


# 1. Crash on raw 8-bit Content-Disposition parameters.


@pytest.mark.parametrize(
    ("raw_name", "declared", "expected"),
    [
        ("报表.xls".encode("gb2312"), "gb2312", "报表.xls"),
        (b"Fr\xf6sche.txt", "iso-8859-1", "Frösche.txt"),
    ],
)
def test_raw_8bit_file_names_do_not_crash_and_are_read_in_the_body_charset(
    raw_name: bytes, declared: str, expected: str
) -> None:
    text = f"Content-Type: text/plain; charset={declared}\r\n\r\n".encode() + "Zażółć".encode(
        declared, "replace"
    )
    file = (
        b"Content-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="' + raw_name + b'"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"data")
    )
    message = parse(multipart(text, file))
    [part] = message.attachments
    assert (part.filename, part.content) == (expected, b"data")


@pytest.mark.django_db
def test_mail_with_a_raw_8bit_file_name_becomes_a_ticket_with_the_file(
    contracted_personas: Personas,
) -> None:
    text = b"Content-Type: text/plain; charset=gb2312\r\n\r\n" + "附件".encode("gb2312")
    file = (
        b'Content-Disposition: attachment; filename="' + "报表.xls".encode("gb2312") + b'"\r\n'
        b"Content-Type: application/vnd.ms-excel\r\n\r\ndata"
    )
    row = take(multipart(text, file))
    assert row.state == InboundMail.State.INGESTED
    message = Ticket.objects.get().messages.get(direction=Message.Direction.INBOUND)
    assert message.body_text == "附件"
    assert [a.filename for a in message.attachments.all()] == ["报表.xls"]


# 2. Senders: the address list is parsed first, display names decoded afterwards.


def test_an_encoded_display_name_with_a_comma_keeps_the_real_address() -> None:
    message = parse(
        headers(sender="=?utf-8?B?TcO8bGxlciwgQmVybmQ=?= <bernd@example.com>") + b"\r\nx"
    )
    assert (message.sender, message.sender_name) == ("bernd@example.com", "Müller, Bernd")


@pytest.mark.parametrize(
    "sender",
    [
        "=?utf-8?q?adam=40customer.example?= <attacker@evil.example>",
        '"=?utf-8?q?adam=40customer.example?=" <attacker@evil.example>',
    ],
)
def test_an_encoded_address_in_the_display_name_is_not_the_sender(sender: str) -> None:
    message = parse(headers(sender=sender) + b"\r\nx")
    assert (message.sender, message.sender_name) == (
        "attacker@evil.example",
        "adam@customer.example",
    )


def test_an_encoded_word_is_never_taken_for_an_address() -> None:
    message = parse(headers(sender="=?utf-8?q?adam=40a.example?=") + b"\r\nx")
    assert message.sender == ""


def test_without_an_address_in_from_sender_then_return_path_stand_in() -> None:
    raw = headers("Sender: <list@a.example>\r\n", sender="Adam") + b"\r\nx"
    assert parse(raw).sender == "list@a.example"
    raw = headers("Return-Path: <bounce@a.example>\r\n", sender="Adam") + b"\r\nx"
    assert parse(raw).sender == "bounce@a.example"
    raw = headers("Reply-To: <other@b.example>\r\n", sender="Adam") + b"\r\nx"
    assert (parse(raw).sender, parse(raw).reply_to) == ("", "other@b.example")


@pytest.mark.django_db
def test_the_spoofing_header_opens_a_triage_item_not_a_ticket_for_adam(
    contracted_personas: Personas,
) -> None:
    spoof = headers(sender="=?utf-8?q?adam=40a.example?= <attacker@evil.example>") + b"\r\nx"
    row = take(spoof)
    assert (row.state, row.sender) == (InboundMail.State.TRIAGE, "attacker@evil.example")
    assert not Ticket.objects.exists()


# 4. Charsets as browsers read their labels; 8-bit guesses beyond Polish and Russian.


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("碁".encode("gbk"), "gb2312", "碁"),  # GBK-only character under a gb2312 label
        ("שלום".encode("iso-8859-8"), "iso-8859-8-i", "שלום"),
        ("한국어 똠방각하".encode("cp949"), "ks_c_5601-1987", "한국어 똠방각하"),
        ("Grüße aus Köln".encode("cp1252"), None, "Grüße aus Köln"),
        ("Très bien, não é?".encode("cp1252"), None, "Très bien, não é?"),
        ("Świadectwo źródła".encode("cp1250"), "iso-8859-2", "Świadectwo źródła"),
        ("Zażółć gęślą jaźń".encode("cp1250"), None, "Zażółć gęślą jaźń"),
        ("Привет, мир".encode("cp1251"), None, "Привет, мир"),
        ("日本語です".encode("iso2022_jp"), None, "日本語です"),
        ("€ 5".encode("cp1252"), "iso-8859-1", "€ 5"),  # WHATWG: iso-8859-1 is windows-1252
    ],
)
def test_charsets_of_real_mail(data: bytes, declared: str | None, expected: str) -> None:
    assert charsets.decode(data, declared) == expected


def test_raw_bytes_inside_an_encoded_word_and_words_with_spaces_are_decoded() -> None:
    raw = (
        b"From: a@a.example\r\nContent-Type: text/plain; charset=iso-8859-2\r\n"
        b"Subject: =?iso-8859-2?Q?Pilne_b\xb3\xb1d?= =?utf-8?q?w Polsce?=\r\n\r\nx"
    )
    assert parse(raw).subject == "Pilne błądw Polsce"


def test_unlabelled_iso_2022_jp_in_a_header_and_body() -> None:
    jis = "会議の件".encode("iso2022_jp")
    raw = b"From: a@a.example\r\nSubject: " + jis + b"\r\n\r\n" + jis
    message = parse(raw)
    assert (message.subject, message.text) == ("会議の件", "会議の件")


# 5. Every inline part reaches the text; nothing is dropped silently.


def test_text_and_html_side_by_side_and_a_second_html_part_all_reach_the_text() -> None:
    message = parse(
        multipart(
            "Content-Type: text/plain; charset=utf-8\r\n\r\nPierwsza część",
            "Content-Type: text/html; charset=utf-8\r\n\r\n<p>Druga <b>część</b></p>",
            b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Trzecia</p>",
        )
    )
    assert message.text.split() == ["Pierwsza", "część", "Druga", "część", "Trzecia"]
    assert "Trzecia" in message.html and "Pierwsza" in message.html


def test_an_inline_text_part_with_a_file_name_is_body_and_file() -> None:
    message = parse(
        multipart(
            'Content-Type: text/plain; charset=utf-8; name="opis.txt"\r\n'
            'Content-Disposition: inline; filename="opis.txt"\r\n\r\nProgram się zawiesza'
        )
    )
    assert message.text == "Program się zawiesza"
    assert [p.filename for p in message.attachments] == ["opis.txt"]


def test_uuencoded_files_become_attachments() -> None:
    import binascii

    encoded = binascii.b2a_uu(b"hello uu").decode()
    body = f"Log below.\r\n\r\nbegin 644 log.txt\r\n{encoded}`\r\nend\r\nThanks".encode()
    message = parse(headers("Content-Type: text/plain\r\n") + b"\r\n" + body)
    assert message.text.split() == ["Log", "below.", "Thanks"]
    [part] = message.attachments
    assert (part.filename, part.content) == ("log.txt", b"hello uu")


def test_alternative_gives_one_text_and_keeps_both_versions_apart() -> None:
    message = parse(
        multipart(
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nTylko raz",
            b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Tylko <i>raz</i></p>",
            kind="alternative",
        )
    )
    assert message.text == "Tylko raz"
    assert "<i>raz</i>" in message.html


# 6. Broken but readable mail is read, not quarantined.


def test_a_junk_line_before_the_headers_is_skipped() -> None:
    message = parse(b"garbage line from an archive\r\n" + headers() + "\r\nTreść".encode())
    assert (message.sender, message.subject, message.text) == (
        "adam@a.example",
        "Program nie drukuje",
        "Treść",
    )


def test_a_header_line_that_lost_its_fold_is_joined_back() -> None:
    raw = (
        b"From: adam@a.example\r\nSubject: Program nie\r\ndrukuje faktur\r\n"
        + "Content-Type: text/plain\r\n\r\nTreść".encode()
    )
    message = parse(raw)
    assert (message.subject, message.text) == ("Program nie drukuje faktur", "Treść")


def test_a_boundary_folded_inside_its_quotes_still_splits_the_parts() -> None:
    raw = (
        b'From: adam@a.example\r\nContent-Type: multipart/mixed; boundary="----=_Part_12\r\n'
        b' 34"\r\n\r\n------=_Part_1234\r\nContent-Type: text/plain\r\n\r\nPierwsza\r\n'
        b"------=_Part_1234\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n------=_Part_1234--\r\n"
    )
    message = parse(raw)
    assert message.text == "Pierwsza"
    assert [p.content_type for p in message.attachments] == ["application/pdf"]


# 7. Automatic mail by its headers; people's words in subjects are not a sign.


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"From: MAILER-DAEMON <>\r\nSubject: Undelivered\r\n\r\nx", "sent by a mail system"),
        (b"From: <no-reply@shop.example>\r\nSubject: Order\r\n\r\nx", "sent by a mail system"),
        (b"From: <noreply@shop.example>\r\nSubject: Order\r\n\r\nx", "sent by a mail system"),
        (b"From: <post_master@a.example>\r\nSubject: x\r\n\r\nx", "sent by a mail system"),
        (b"From: <abuse@isp.example>\r\nFeedback-Type: abuse\r\n\r\nx", "Feedback-Type"),
        (
            b"From: <list-request@l.example>\r\nX-List-Administrivia: yes\r\n\r\nx",
            "X-List-Administrivia",
        ),
        (
            b"From: <arf@isp.example>\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
            b"--B\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n--B--",
            "a delivery, read or feedback report",
        ),
    ],
)
def test_robots_are_recognised_by_their_headers(raw: bytes, reason: str) -> None:
    assert parse(raw).automatic.startswith(reason)


@pytest.mark.django_db
def test_automatic_mail_from_a_known_contact_gets_no_acknowledgement(
    contracted_personas: Personas,
) -> None:
    robots = [
        headers("Auto-Submitted: auto-replied\r\n"),
        headers("Feedback-Type: abuse\r\n"),
        headers("List-Unsubscribe: <mailto:u@a.example>\r\n"),
    ]
    for raw in robots:
        assert take(raw + b"\r\nx").state == InboundMail.State.INGESTED
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()


@pytest.mark.django_db
def test_a_human_subject_with_urlop_is_acknowledged(contracted_personas: Personas) -> None:
    raw = headers().replace(
        b"Program nie drukuje", "Urlop wypoczynkowy - błędne naliczanie".encode()
    )
    take(raw + "Content-Type: text/plain; charset=utf-8\r\n\r\nDzień dobry".encode())
    ticket = Ticket.objects.get()
    assert ticket.messages.filter(direction=Message.Direction.OUTBOUND).count() == 1


# 8. Quoted replies: the new part is shown and searched, the whole text kept.


@pytest.mark.parametrize(
    "quoted",
    [
        "W dniu 12.03.2026 o 10:00, Pomoc KJM <pomoc@kjm.example> pisze:\n> Proszę o zrzut.",
        "Dnia 12 marca 2026 10:00 Pomoc KJM napisał(a):\n> Proszę o zrzut.",
        "Od: Pomoc KJM <pomoc@kjm.example>\nWysłane: czwartek, 12 marca 2026 10:00\n"
        "Do: Adam\nTemat: RE: Program\n\nProszę o zrzut.",
        "On Thu, 12 Mar 2026 at 10:00, Support <pomoc@kjm.example> wrote:\n> Screenshot?",
        "-----Original Message-----\nFrom: Support\nSent: Thursday\nSubject: x\n\nScreenshot?",
        "From: Support <pomoc@kjm.example>\nSent: Thursday, March 12, 2026 10:00 AM\n"
        "To: Adam\nSubject: RE: x\n\nScreenshot?",
    ],
)
def test_the_new_part_of_a_reply(quoted: str) -> None:
    text = f"Zrzut w załączniku, dziękuję.\n\n{quoted}\n"
    assert replies.new_part(text) == "Zrzut w załączniku, dziękuję."


def test_a_message_without_quotes_is_its_own_new_part() -> None:
    assert replies.new_part("Dzień dobry,\n\nprogram nie drukuje.") == (
        "Dzień dobry,\n\nprogram nie drukuje."
    )


@pytest.mark.django_db
def test_a_reply_on_a_ticket_shows_its_new_part_and_keeps_the_whole_text(
    contracted_personas: Personas,
) -> None:
    take(headers("Content-Type: text/plain; charset=utf-8\r\n") + b"\r\nProgram nie drukuje.")
    ticket = Ticket.objects.get()
    answer = ticket_actions.answer(ticket, staff=contracted_personas.agent, body="Zrzut?")
    reply = (
        headers(f"In-Reply-To: {answer.message_id}\r\nContent-Type: text/plain; charset=utf-8\r\n")
        + (
            "\r\nW załączniku.\r\n\r\nW dniu 12.03.2026 o 10:00, Pomoc <pomoc@kjm.example> pisze:"
            "\r\n> Zrzut?\r\n"
        ).encode()
    )
    row = take(reply)
    assert row.ticket == ticket
    message = row.message
    assert message is not None
    assert message.body_text == "W załączniku."
    assert "> Zrzut?" in message.body_full and "W załączniku." in message.body_full


# 10. NUL bytes never reach the database; a reused Message-ID is logged.


@pytest.mark.django_db
def test_nul_bytes_anywhere_in_a_message_never_reach_the_ticket(
    contracted_personas: Personas,
) -> None:
    raw = (
        b"From: Ad\x00am <adam@a.example>\r\nTo: pomoc@kjm.example\r\nSubject: Pro\x00gram\r\n"
        b"Message-ID: <nul@a.example>\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n"
        + "Tekst\x00z NUL".encode("utf-16")
        + b"\r\n--B\r\nContent-Type: text/html\r\n\r\n<p>a&#0;b\x00c</p>\r\n--B\r\n"
        b'Content-Disposition: attachment; filename="a\x00b.txt"\r\n\r\nfile\r\n--B--\r\n'
    )
    assert take(raw).state == InboundMail.State.INGESTED
    message = Ticket.objects.get().messages.get(direction=Message.Direction.INBOUND)
    for value in (message.body_text, message.body_html, message.subject, message.ticket.subject):
        assert "\x00" not in value
    assert message.body_text.startswith("Tekstz NUL")


@pytest.mark.django_db
def test_the_same_message_id_with_other_content_is_logged(
    contracted_personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    first = headers() + b"\r\nPierwsza"
    take(first)
    with caplog.at_level(logging.WARNING, logger="opiekun.mail.actions"):
        row, new = actions.receive(mailbox(), first)
        assert not new and caplog.records == []  # the same mail again: nothing to say
        row, new = actions.receive(mailbox(), first.replace(b"Pierwsza", b"Inna"))
        (rows,) = [actions.receive_many(mailbox(), [("9", first + b" ", None)])]
    assert not new and rows[0][1] is False
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 2 and all(row.dedupe_key in line for line in logged)
    assert all("other content" in line for line in logged)


def mailbox() -> Mailbox:
    box, _ = Mailbox.objects.get_or_create(
        name="pomoc",
        defaults={
            "address": "pomoc@kjm.example",
            "host": "127.0.0.1",
            "port": 1,
            "username": "pomoc",
            "password": "x",
        },
    )
    return box


def take(raw: bytes) -> InboundMail:
    row, _ = actions.receive(mailbox(), raw)
    return actions.process(row.pk, counted=True)
