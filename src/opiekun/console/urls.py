from django.urls import path

from opiekun.console import views

app_name = "console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("customers/<int:organisation_id>/", views.customer, name="customer"),
    path("caller", views.caller, name="caller"),
    path("tickets/<int:ticket_id>/act", views.act, name="act"),
    path("tickets/<int:ticket_id>/work-preview", views.work_preview, name="work-preview"),
]
