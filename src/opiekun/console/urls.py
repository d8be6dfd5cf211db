from django.urls import path

from opiekun.console import (
    appointments,
    assignment,
    corrections,
    dashboards,
    intake,
    knowledge,
    plan_settings,
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
    path("tickets/<int:ticket_id>/work-preview", views.work_preview, name="work-preview"),
    path(
        "tickets/<int:ticket_id>/to-article", knowledge.ticket_to_article, name="ticket-to-article"
    ),
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
