from django.urls import path

from opiekun.console import (
    appointments,
    assignment,
    corrections,
    dashboards,
    intake,
    knowledge,
    notifications,
    plan_settings,
    presence,
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
    path("tickets/new", intake.new_ticket, name="new-ticket"),
    path("tickets/open", intake.open_new_ticket, name="open-ticket"),
    path("pickers/organisations", intake.organisation_picker, name="organisation-picker"),
    path("caller/ticket", intake.caller_ticket, name="caller-ticket"),
    path("tickets/<int:ticket_id>/end-call", intake.end_call, name="end-call"),
    path("tickets/<int:ticket_id>/assign", assignment.assign, name="assign"),
    path("tickets/<int:ticket_id>/take", assignment.take, name="take"),
    path("tickets/<int:ticket_id>/unassign", assignment.unassign, name="unassign"),
    path(
        "tickets/<int:ticket_id>/work/<int:work_id>/correct",
        corrections.correct,
        name="correct-work",
    ),
    path("plans/", plan_settings.plans, name="plans"),
    path("plans/<int:plan_id>/assignment", plan_settings.plan_assignment, name="plan-assignment"),
    path(
        "vendors/<int:vendor_id>/assignment",
        plan_settings.vendor_assignment,
        name="vendor-assignment",
    ),
    path("tickets/<int:ticket_id>/presence", presence.beat, name="presence"),
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
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/bell", notifications.bell, name="notification-bell"),
    path("notifications/settings", notifications.settings_page, name="notification-settings"),
    path("notifications/read-all", notifications.read_all, name="notifications-read-all"),
    path(
        "notifications/<int:notification_id>/read",
        notifications.read,
        name="notification-read",
    ),
    path("staff/mentions", notifications.mention_names, name="mention-names"),
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
