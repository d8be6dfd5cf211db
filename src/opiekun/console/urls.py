from django.urls import path

from opiekun.console import (
    appointments,
    dashboards,
    knowledge,
    reports,
    security,
    ticket_actions,
    ticket_page,
    views,
)

app_name = "console"
# The ticket page's actions, one view and URL each: tickets/<id>/<name>, named ticket-<name>.
TICKET_ACTIONS = (
    "answer",
    "note",
    "work",
    "scope",
    "start",
    "acknowledge",
    "wait",
    "resume",
    "promise",
    "resolve",
    "close",
    "reopen",
)
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<int:ticket_id>/", ticket_page.ticket, name="ticket"),
    path("customers/<int:organisation_id>/", views.customer, name="customer"),
    path("caller", views.caller, name="caller"),
    *[
        path(
            f"tickets/<int:ticket_id>/{name}", getattr(ticket_actions, name), name=f"ticket-{name}"
        )
        for name in TICKET_ACTIONS
    ],
    path(
        "tickets/<int:ticket_id>/messages/<int:message_id>/resend",
        ticket_actions.resend,
        name="ticket-resend",
    ),
    path(
        "tickets/<int:ticket_id>/attachments/<int:attachment_id>/preview",
        ticket_page.preview,
        name="attachment-preview",
    ),
    path("tickets/<int:ticket_id>/work-preview", views.work_preview, name="work-preview"),
    path(
        "tickets/<int:ticket_id>/to-article", knowledge.ticket_to_article, name="ticket-to-article"
    ),
    path("kb/", knowledge.articles, name="articles"),
    path("kb/new", knowledge.new_article, name="new-article"),
    path("kb/<int:article_id>/", knowledge.article, name="article"),
    path("kb/<int:article_id>/publish", knowledge.publish, name="article-publish"),
    path("kb/<int:article_id>/withdraw", knowledge.withdraw, name="article-withdraw"),
    path("forum/", knowledge.threads, name="threads"),
    path("forum/<int:thread_id>/", knowledge.thread, name="thread"),
    path("forum/<int:thread_id>/reply", knowledge.reply, name="thread-reply"),
    path("forum/<int:thread_id>/accept", knowledge.accept, name="thread-accept"),
    path("forum/<int:thread_id>/article", knowledge.thread_to_article, name="thread-article"),
    path("forum/<int:thread_id>/ticket", knowledge.thread_to_ticket, name="thread-ticket"),
    path("tickets/<int:ticket_id>/book-session", appointments.book, name="book-session"),
    path("sessions/", appointments.index, name="appointments"),
    path("sessions/<int:appointment_id>/cancel", appointments.cancel, name="cancel-session"),
    path("dashboards/", dashboards.dashboard, name="dashboard"),
    path("reports/register", reports.register_page, name="register"),
    path("reports/<str:key>/", reports.report, name="report"),
    path("security/", security.security, name="security"),
    path("lockouts/", security.lockouts, name="lockouts"),
    path("lockouts/unlock", security.unlock, name="unlock"),
    path(
        "lockouts/two-factor/<int:member_id>/reset",
        security.reset_two_factor,
        name="reset-two-factor",
    ),
]
