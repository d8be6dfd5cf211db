from django.contrib import admin
from django.urls import path

from opiekun.api.api import api
from opiekun.core import views as core_views
from opiekun.tickets import views as ticket_views

admin.site.site_header = "opiekun"
admin.site.site_title = "opiekun"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("calendar/<str:token>.ics", ticket_views.appointments_feed, name="appointments-feed"),
]
