"""The knowledge base (R-CH-4) and the community forum (R-CH-1): who reads what, search
on both databases, drafts from tickets and threads, the similar-article warning."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.catalog.models import Vendor
from opiekun.core.models import AuditEvent
from opiekun.knowledge import actions as kb
from opiekun.knowledge import search
from opiekun.knowledge.models import Article, ForumThread
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def ship() -> Vendor:
    return Vendor.objects.get(code="ship")


def kjm() -> Vendor:
    return Vendor.objects.get(code="kjm")


def published(vendor: Vendor, title: str, answer: str = "Odpowiedź.") -> Article:
    return kb.publish(kb.write_article(vendor=vendor, title=title, answer=answer))


def test_search_finds_other_forms_of_the_words_on_this_database(
    contracted_personas: Personas,
) -> None:
    printer = published(ship(), "Drukarka nie drukuje etykiet", "Zmień sterownik drukarki.")
    published(ship(), "Eksport do JPK", "Plik JPK powstaje w menu Eksport.")
    articles = Article.objects.all()
    assert search.search(articles, "drukarki etykieta") == [printer]
    assert search.search(articles, "STEROWNIK") == [printer]
    assert search.search(articles, "drukarki JPK") == []  # every word must match
    assert {a.title for a in search.search(articles, "drukarki JPK", any_word=True)} == {
        "Drukarka nie drukuje etykiet",
        "Eksport do JPK",
    }
    assert len(search.search(articles, "")) == 2  # no words: the newest


def test_r_ch_4_a_customer_reads_published_articles_of_its_own_vendors_only(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas  # A on KJM care, B on SHIP START
    ship_article = published(ship(), "Etykiety kurierskie", "Ustaw format A6.")
    draft = kb.write_article(vendor=ship(), title="Szkic o etykietach", answer="W pracy.")
    kjm_article = published(kjm(), "Deklaracje podatkowe", "Wydruk z menu Deklaracje.")
    b = client_of(p, "customer_b")
    listing = b.get("/portal/kb/", {"q": "etykiety"}).content.decode()
    assert "Etykiety kurierskie" in listing and "Szkic" not in listing
    assert "Ustaw format A6." in b.get(f"/portal/kb/{ship_article.pk}/").content.decode()
    assert b.get(f"/portal/kb/{draft.pk}/").status_code == 404
    assert b.get(f"/portal/kb/{kjm_article.pk}/").status_code == 404
    for who in ("customer_a", "outsider"):
        assert client_of(p, who).get(f"/portal/kb/{ship_article.pk}/").status_code == 404, who
    assert "Deklaracje" in client_of(p, "customer_a").get("/portal/kb/").content.decode()


def answered_ticket(p: Personas, subject: str) -> Ticket:
    ticket = actions.open_ticket(
        p.org_b,
        channel="portal",
        subject=subject,
        description="Po aktualizacji drukarka Zebra nie drukuje etykiet.",
        contact=p.customer_b,
    )
    actions.answer(
        ticket,
        staff=p.agent,
        body="Proszę wybrać sterownik ZDesigner w ustawieniach wydruku.",
        documentation_ref="Podręcznik, rozdz. 4.2",
    )
    return ticket


def test_one_click_makes_a_draft_article_from_an_answered_ticket(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = answered_ticket(p, "Drukarka nie drukuje etykiet")
    agent = client_of(p, "agent")
    response = agent.post(f"/console/tickets/{ticket.pk}/to-article")
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/kb/{article.pk}/"
    assert (article.vendor, article.status, article.source_ticket) == (ship(), "draft", ticket)
    assert article.title == "Drukarka nie drukuje etykiet"
    assert article.answer.startswith("Proszę wybrać sterownik ZDesigner")
    assert article.documentation_ref == "Podręcznik, rozdz. 4.2"  # R-CH-3 travels along
    assert AuditEvent.objects.filter(kind="ticket.article_drafted").count() == 1
    fresh = actions.open_ticket(p.org_b, channel="portal", subject="Bez odpowiedzi")
    with pytest.raises(kb.KnowledgeError, match="has no answer"):
        kb.article_from_ticket(fresh)
    assert Article.objects.count() == 1


def test_a_draft_warns_when_a_similar_article_exists(contracted_personas: Personas) -> None:
    p = contracted_personas
    older = published(ship(), "Drukarka nie drukuje etykiet kurierskich", "Sterownik.")
    published(ship(), "Eksport do JPK", "Menu Eksport.")
    ticket = answered_ticket(p, "Drukarka Zebra nie drukuje etykiety")
    draft = kb.article_from_ticket(ticket)
    alike = search.similar(Article.objects.all(), draft.title, draft.question, exclude=draft.pk)
    assert [s.article for s in alike] == [older]
    page = client_of(p, "agent").get(f"/console/kb/{draft.pk}/").content.decode()
    assert "A similar article already exists" in page or "Istnieje już podobny" in page
    assert "Drukarka nie drukuje etykiet kurierskich" in page and "Eksport do JPK" not in page


def test_publishing_through_the_console_shows_the_article_to_customers(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    agent = client_of(p, "agent")
    response = agent.post(
        "/console/kb/new",
        {"vendor": ship().pk, "title": "Zmiana hasła", "answer": "Menu Ustawienia → Hasło."},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    customer = client_of(p, "customer_b")
    assert customer.get(f"/portal/kb/{article.pk}/").status_code == 404  # a draft
    agent.post(f"/console/kb/{article.pk}/publish")
    assert "Menu Ustawienia" in customer.get(f"/portal/kb/{article.pk}/").content.decode()
    empty = agent.post("/console/kb/new", {"vendor": ship().pk, "title": "X", "answer": " "})
    assert empty.status_code == 200 and Article.objects.count() == 1


def test_r_ch_1_the_forum_is_open_to_plans_that_have_it_and_404_to_others(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    b = client_of(p, "customer_b")
    response = b.post(
        "/portal/forum/new",
        {"vendor": ship().pk, "title": "Jak drukować etykiety A6?", "body": "Mam drukarkę Zebra."},
    )
    thread = ForumThread.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/forum/{thread.pk}/"
    assert "Jak drukować etykiety A6?" in b.get("/portal/forum/").content.decode()
    for who in ("customer_a", "outsider"):  # KJM care has no forum; an outsider no plan
        client = client_of(p, who)
        assert client.get("/portal/forum/").status_code == 404, who
        assert client.get(f"/portal/forum/{thread.pk}/").status_code == 404, who
        assert client.post(f"/portal/forum/{thread.pk}/reply", {"body": "x"}).status_code == 404
    assert thread.posts.count() == 1
    with pytest.raises(kb.KnowledgeError, match="does not open"):
        kb.ask(p.customer_a, ship(), title="Pytanie", body="Treść")
    assert ForumThread.objects.count() == 1


def test_staff_accept_an_answer_and_turn_the_thread_into_an_article_or_a_ticket(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    thread = kb.ask(p.customer_b, ship(), title="Etykiety A6", body="Jak ustawić format A6?")
    question = thread.posts.get()
    answer = kb.reply(thread, body="Ustawienia → Wydruk → A6.", staff=p.agent)
    agent = client_of(p, "agent")
    with pytest.raises(kb.KnowledgeError, match="question itself"):
        kb.accept(thread, question)
    agent.post(f"/console/forum/{thread.pk}/accept", {"post": answer.pk})
    thread.refresh_from_db()
    assert thread.accepted_post == answer
    page = client_of(p, "customer_b").get(f"/portal/forum/{thread.pk}/").content.decode()
    assert "Ustawienia → Wydruk → A6." in page
    response = agent.post(f"/console/forum/{thread.pk}/article")
    article = Article.objects.get()
    assert response["Location"] == f"/console/kb/{article.pk}/"
    assert (article.question, article.answer, article.source_thread) == (
        "Jak ustawić format A6?",
        "Ustawienia → Wydruk → A6.",
        thread,
    )
    agent.post(f"/console/forum/{thread.pk}/ticket")
    ticket = Ticket.objects.get()
    assert (ticket.organisation, ticket.contact, ticket.channel) == (
        p.org_b,
        p.customer_b,
        "forum",
    )
    thread.refresh_from_db()
    assert thread.ticket == ticket
    with pytest.raises(kb.KnowledgeError, match="already turned into"):
        kb.thread_to_ticket(thread)
    for who in ("customer_a", "customer_b", "outsider"):
        client = client_of(p, who)
        assert client.get(f"/console/forum/{thread.pk}/").status_code == 404, who
        assert client.post(f"/console/forum/{thread.pk}/ticket").status_code == 404
        assert client.get(f"/console/kb/{article.pk}/").status_code == 404, who
    assert Ticket.objects.count() == 1


def test_each_forum_button_has_its_own_url_and_a_refused_reply_keeps_its_text(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    thread = kb.ask(p.customer_b, ship(), title="Etykiety", body="Jak ustawić A6?")
    agent = client_of(p, "agent")
    refused = agent.post(f"/console/forum/{thread.pk}/reply", {"body": "Ustaw\x00 A6"})
    page = refused.content.decode()
    assert refused.status_code == 400 and 'id="reply-body-errors"' in page
    assert "U+0000" in page and "Ustaw" in page
    assert thread.posts.count() == 1
    posted = agent.post(f"/console/forum/{thread.pk}/reply", {"body": "Ustaw A6."})
    assert posted.status_code == 302 and thread.posts.count() == 2
    # Another thread's post cannot be accepted here; nothing changes.
    other = kb.ask(p.customer_b, ship(), title="Inne", body="Inne pytanie")
    foreign = other.posts.get()
    agent.post(f"/console/forum/{thread.pk}/accept", {"post": foreign.pk})
    agent.post(f"/console/forum/{thread.pk}/accept", {"post": "92233720368547758080"})
    thread.refresh_from_db()
    assert thread.accepted_post is None
    # The article buttons: publish and withdraw, one URL each.
    article = kb.write_article(vendor=ship(), title="A6", answer="Ustaw A6.")
    agent.post(f"/console/kb/{article.pk}/publish")
    article.refresh_from_db()
    assert article.status == "published"
    agent.post(f"/console/kb/{article.pk}/withdraw")
    article.refresh_from_db()
    assert article.status == "draft"
    customer = client_of(p, "customer_b")
    assert customer.post(f"/console/kb/{article.pk}/publish").status_code == 404
    assert customer.post(f"/console/forum/{thread.pk}/reply", {"body": "x"}).status_code == 404
    article.refresh_from_db()
    assert article.status == "draft" and thread.posts.count() == 2
