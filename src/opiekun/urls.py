from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from opiekun import health
from opiekun.api.api import api
from opiekun.core import passwords, twofactor
from opiekun.core import views as core_views
from opiekun.observability import views as observability
from opiekun.tickets import views as ticket_views

admin.site.site_header = "opiekun"
admin.site.site_title = "opiekun"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("login/verify", twofactor.verify, name="login-verify"),
    path("login/reset/", passwords.ResetRequest.as_view(), name="password_reset"),
    path("login/reset/sent", passwords.ResetSent.as_view(), name="password_reset_done"),
    path(
        "login/reset/<uidb64>/<token>/",
        passwords.ResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "login/invitation/<uidb64>/<token>/",
        passwords.InvitationConfirm.as_view(),
        name="invitation_confirm",
    ),
    path("login/reset/done", passwords.ResetDone.as_view(), name="password_reset_complete"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language", core_views.switch_language, name="switch-language"),
    path("console/", include("opiekun.console.urls")),
    path("portal/", include("opiekun.portal.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", observability.live, name="healthz-live"),
    path("healthz/ready", observability.ready, name="healthz-ready"),
    path("metrics", observability.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("calendar/<str:token>.ics", ticket_views.appointments_feed, name="appointments-feed"),
]
