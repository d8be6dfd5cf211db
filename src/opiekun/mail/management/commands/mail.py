"""`opiekun mail poll [--mailbox NAME]`, `opiekun mail list [--state S]`,
`opiekun mail retry ID`, `opiekun mail check`: reading mailboxes by hand, the lists that
need a manager, and the R-SLA-8 check."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from opiekun.mail import actions, poll
from opiekun.mail.models import InboundMail, Mailbox


class Command(BaseCommand):
    help = "E-mail: poll mailboxes, list quarantine and triage, retry a message."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        poll_parser = sub.add_parser("poll", help="read mailboxes now")
        poll_parser.add_argument("--mailbox", help="name of one mailbox (default: all active)")
        listing = sub.add_parser("list", help="messages that need a manager")
        listing.add_argument(
            "--state", choices=InboundMail.State.values, help="default: triage, quarantine, bounced"
        )
        retry = sub.add_parser("retry", help="process a quarantined or triaged message again")
        retry.add_argument("id", type=int)
        sub.add_parser("check", help="mailboxes not read for 2 hours in 7:00-22:00 (R-SLA-8)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['verb']}")(options)

    def _poll(self, options: dict[str, Any]) -> None:
        boxes = Mailbox.objects.filter(is_active=True)
        if options["mailbox"]:
            boxes = boxes.filter(name=options["mailbox"])
            if not boxes.exists():
                raise CommandError(f"no active mailbox named {options['mailbox']!r}", returncode=2)
        failed = False
        for mailbox in boxes:
            result = poll.poll(mailbox)
            self.stdout.write(result.line())
            failed = failed or bool(result.error)
        if failed:
            raise CommandError("a mailbox could not be read to the end", returncode=1)

    def _list(self, options: dict[str, Any]) -> None:
        states = [options["state"]] if options["state"] else list(InboundMail.ATTENTION)
        rows = InboundMail.objects.filter(state__in=states).select_related("mailbox")
        for inbound in rows.order_by("received_at"):
            self.stdout.write(
                f"{inbound.pk}\t{timezone.localtime(inbound.received_at):%Y-%m-%d %H:%M}\t"
                f"{inbound.state}\t{inbound.sender}\t{inbound.subject}\t{inbound.reason}"
            )

    def _retry(self, options: dict[str, Any]) -> None:
        inbound = InboundMail.objects.filter(pk=options["id"]).first()
        if inbound is None:
            raise CommandError(f"no inbound message {options['id']}", returncode=2)
        try:
            outcome = actions.retry(inbound)
        except actions.MailError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"{outcome.pk}: {outcome.state} {outcome.reason}".strip())

    def _check(self, options: dict[str, Any]) -> None:
        late = poll.overdue()
        for mailbox in late:
            self.stdout.write(
                f"not read for over 2 hours: {mailbox} (last {mailbox.last_polled_at})"
            )
        if late:
            raise CommandError(f"{len(late)} mailbox(es) overdue (R-SLA-8)", returncode=1)
        self.stdout.write("every mailbox was read within 2 hours")
