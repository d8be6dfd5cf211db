"""Loads the demo for a newcomer: staff, customers on the seed plans, a few tickets.

Everything is keyed on natural keys (username, short name, contract number, ticket
subject), so a second run finds it all and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from opiekun.catalog.models import Plan, Vendor
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks
from opiekun.contracts.models import Contract, Statement
from opiekun.core.sync import Tally
from opiekun.customers import actions as customer_actions
from opiekun.customers.models import Contact, Organisation
from opiekun.demo.records import (
    ARTICLES,
    CUSTOMERS,
    FORUM,
    OCTOBER_WORK,
    STAFF,
    TAX_IDS,
    TICKETS,
    WORK,
    Login,
)
from opiekun.knowledge import actions as kb
from opiekun.knowledge.models import Article, ForumThread
from opiekun.reports import statements
from opiekun.staff import actions as staff_actions
from opiekun.staff.models import StaffMember
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Ticket


def _knowledge(staff: StaffMember, contacts: dict[str, Contact], tally: Tally) -> None:

    for code, title, question, answer, reference in ARTICLES:
        if not Article.objects.filter(title=title).exists():
            article = kb.write_article(
                vendor=Vendor.objects.get(code=code),
                title=title,
                question=question,
                answer=answer,
                documentation_ref=reference,
            )
            kb.publish(article)
            tally["created"] += 1
    code, login, title, body, reply = FORUM
    if login in contacts and not ForumThread.objects.filter(title=title).exists():
        thread = kb.ask(contacts[login], Vendor.objects.get(code=code), title=title, body=body)
        kb.accept(thread, kb.reply(thread, body=reply, staff=staff))
        tally["created"] += 1


def _october_statement(
    org: Organisation, contact: Contact | None, staff: StaffMember, tally: Tally
) -> None:

    contract = Contract.objects.get(number="SHIP/2026/0042")
    subject, received, pieces = OCTOBER_WORK
    if not Ticket.objects.filter(organisation=org, subject=subject).exists():
        banks.ensure_month_banks(contract, received.date())
        ticket = ticket_actions.open_ticket(
            org, channel="phone", subject=subject, contact=contact, received_at=received
        )
        for n, (kind, minutes) in enumerate(pieces):
            ticket_actions.log_work(
                ticket,
                staff=staff,
                kind=kind,
                raw_minutes=minutes,
                started_at=received + dt.timedelta(days=n, minutes=15),
            )
        ticket_actions.resolve(ticket)
        tally["created"] += 1
    october = dt.date(2026, 10, 1)
    over = timezone.localdate() >= dt.date(2026, 11, 1)
    if over and not Statement.objects.filter(contract=contract, period_start=october).exists():
        statements.issue(contract, october)
        tally["created"] += 1


def staff_logins() -> list[Login]:
    return [Login(u, pw, f"{name} ({', '.join(roles)})") for u, name, roles, _, pw in STAFF]


def customer_logins() -> list[Login]:
    return [Login(c[11], f"demo-{c[11]}", f"{c[8]}, {c[1]}") for c in CUSTOMERS]


def load_demo() -> Tally:
    """Creates what is missing of the demo, in one transaction."""
    tally = Tally()
    User = get_user_model()
    with transaction.atomic():
        staff: dict[str, StaffMember] = {}
        for username, name, roles, mobile, password in STAFF:
            member = StaffMember.objects.filter(user__username=username).first()
            if member is None:
                member = staff_actions.create_staff_member(
                    username,
                    full_name=name,
                    email=f"{username}@opiekun.example",
                    password=password,
                    roles=roles,
                    mobile_phone=mobile,
                )
                tally["created"] += 1
            staff[username] = member

        orgs: dict[str, Organisation] = {}
        contacts: dict[str, Contact] = {}
        for (
            short,
            name,
            kind,
            plan_code,
            number,
            starts_on,
            seats,
            price,
            person,
            email,
            phone,
            login,
            spoc,
        ) in CUSTOMERS:
            org = Organisation.objects.filter(short_name=short).first()
            if org is None:
                org = customer_actions.create_organisation(
                    name,
                    short,
                    kind=kind,
                    account_manager=staff["opiekun"],
                    tax_id=TAX_IDS.get(short, ""),
                )
                tally["created"] += 1
            orgs[short] = org
            contact = Contact.objects.filter(user__username=login).first()
            if contact is None and not User.objects.filter(username=login).exists():
                contact = customer_actions.add_contact(
                    org,
                    person,
                    emails=[email],
                    phones=[phone],
                    single_point_of_contact=spoc,
                    portal_username=login,
                    portal_password=f"demo-{login}",
                    organisation_admin=True,
                )
                tally["created"] += 1
            if contact is not None:
                contacts[login] = contact
            if not Contract.objects.filter(number=number).exists():
                contract_actions.record_active_contract(
                    org,
                    Plan.objects.get(code=plan_code),
                    number=number,
                    starts_on=starts_on,
                    seats=seats,
                    price_net=price,
                )
                tally["created"] += 1

        lis = Contract.objects.get(number="KJM/PK/2026/014")
        if not lis.banks.exists():
            banks.grant_package(lis, purchased_on=dt.date(2026, 10, 5))
            tally["created"] += 1

        for short, login, channel, severity, subject, received in TICKETS:
            if Ticket.objects.filter(organisation=orgs[short], subject=subject).exists():
                continue
            ticket_actions.open_ticket(
                orgs[short],
                channel=channel,
                severity=severity,
                subject=subject,
                contact=contacts.get(login),
                received_at=received,
            )
            tally["created"] += 1

        for subject, kind, minutes, started in WORK:
            ticket = Ticket.objects.get(subject=subject)
            if not ticket.work_logs.exists():
                ticket_actions.log_work(
                    ticket, staff=staff["agent"], kind=kind, raw_minutes=minutes, started_at=started
                )
                tally["created"] += 1
        decisions = Ticket.objects.get(subject="Gdzie znaleźć rejestr decyzji?")
        if not decisions.messages.filter(direction="out").exists():
            # The hot-line's register (R-REG-1) then shows an answer with its reference.
            ticket_actions.answer(
                decisions,
                staff=staff["agent"],
                body="Rejestr decyzji jest w menu Rejestry → Decyzje; filtr dat zawęża wydruk.",
                documentation_ref="Instrukcja administratora, s. 41",
            )
            tally["created"] += 1
        _knowledge(staff["agent"], contacts, tally)
        _october_statement(orgs["mewa"], contacts.get("mewa"), staff["agent"], tally)
    return tally
