from django.urls import path

from opiekun.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/new", views.new_ticket, name="new-ticket"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("tickets/<int:ticket_id>/reply", views.reply, name="reply"),
]
