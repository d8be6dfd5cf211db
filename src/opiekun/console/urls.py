from django.urls import path

from opiekun.console import (
    appointments,
    dashboards,
    knowledge,
    notifications,
    presence,
    reports,
    security,
    views,
)

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("customers/<int:organisation_id>/", views.customer, name="customer"),
    path("caller", views.caller, name="caller"),
    path("tickets/<int:ticket_id>/act", views.act, name="act"),
    path("tickets/<int:ticket_id>/presence", presence.beat, name="presence"),
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
    path("kb/<int:article_id>/status", knowledge.article_status, name="article-status"),
    path("forum/", knowledge.threads, name="threads"),
    path("forum/<int:thread_id>/", knowledge.thread, name="thread"),
    path("forum/<int:thread_id>/act", knowledge.thread_act, name="thread-act"),
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
