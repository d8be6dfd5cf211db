from django.urls import path

from opiekun.portal import knowledge, notices, register, statements, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/new", views.new_ticket, name="new-ticket"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("tickets/<int:ticket_id>/reply", views.reply, name="reply"),
    path("kb/", knowledge.articles, name="articles"),
    path("kb/<int:article_id>/", knowledge.article, name="article"),
    path("forum/", knowledge.threads, name="threads"),
    path("forum/new", knowledge.ask, name="ask"),
    path("forum/<int:thread_id>/", knowledge.thread, name="thread"),
    path("forum/<int:thread_id>/reply", knowledge.reply, name="thread-reply"),
    path("statements/", statements.index, name="statements"),
    path("statements/<int:statement_id>/", statements.detail, name="statement"),
    path(
        "statements/<int:statement_id>/download.<str:fmt>",
        statements.download,
        name="statement-download",
    ),
    path("statements/<int:statement_id>/approve", statements.approve, name="statement-approve"),
    path("register/", register.page, name="register"),
    path("register/approve", register.approve, name="register-approve"),
    path("notifications/", notices.preferences, name="notifications"),
    path("unsubscribe/<str:token>/", notices.unsubscribe, name="unsubscribe"),
]
