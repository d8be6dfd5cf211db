from django.urls import path

from opiekun.portal import (
    asking,
    contacts,
    conversation,
    disputes,
    home,
    hours,
    knowledge,
    notices,
    register,
    statements,
)

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("tickets/new", asking.new_ticket, name="new-ticket"),
    path("tickets/new/promise", asking.promise_fragment, name="promise"),
    path("tickets/<int:ticket_id>/", conversation.ticket, name="ticket"),
    path("tickets/<int:ticket_id>/reply", conversation.reply, name="reply"),
    path(
        "tickets/<int:ticket_id>/files/<int:attachment_id>",
        conversation.download,
        name="attachment",
    ),
    path("tickets/<int:ticket_id>/rate", conversation.rate, name="rate"),
    path("rate/<str:token>", conversation.rate_by_link, name="rate-by-link"),
    path("hours/", hours.hours, name="hours"),
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
    path(
        "statements/<int:statement_id>/lines/<int:line_id>/question",
        disputes.question,
        name="statement-question",
    ),
    path("contacts/", contacts.people, name="contacts"),
    path("contacts/invite", contacts.invite, name="contact-invite"),
    path("contacts/visibility", contacts.visibility, name="contact-visibility"),
    path("contacts/<int:contact_id>/change", contacts.change, name="contact-change"),
    path("contacts/<int:contact_id>/invite", contacts.reinvite, name="contact-reinvite"),
    path("register/", register.page, name="register"),
    path("register/approve", register.approve, name="register-approve"),
    path("notifications/", notices.preferences, name="notifications"),
    path("unsubscribe/<str:token>/", notices.unsubscribe, name="unsubscribe"),
]
