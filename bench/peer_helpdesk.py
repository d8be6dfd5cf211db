"""django-helpdesk's own e-mail import (``process_queue``, what ``get_email`` runs) on
an IMAP mailbox. Run by bench/mail.py with the interpreter of a virtual environment
that holds django-helpdesk; prints one JSON object.

Usage: peer_helpdesk.py WORKDIR IMAP_PORT IMAP_USER IMAP_PASSWORD"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

work, port, user, password = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

# helpdesk builds ticket links while it imports mail: its URLs must be mounted.
(work / "peer_urls.py").write_text(
    "from django.urls import include, path\n"
    "urlpatterns = [path('helpdesk/', include('helpdesk.urls'))]\n"
)
sys.path.insert(0, str(work))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    DEBUG=False,
    SECRET_KEY="peer-benchmark-only",  # noqa: S106
    ALLOWED_HOSTS=["*"],
    SITE_ID=1,
    USE_TZ=True,
    TIME_ZONE="Europe/Warsaw",
    DATABASES={
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(work / "helpdesk.sqlite3")}
    },
    INSTALLED_APPS=[
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.sites",
        "django.contrib.humanize",
        "django.contrib.staticfiles",
        "rest_framework",
        "helpdesk",
    ],
    MEDIA_ROOT=str(work / "media"),
    STATIC_URL="/static/",
    ROOT_URLCONF="peer_urls",
    # Like opiekun's bench, mail to customers is queued, not delivered over a network.
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth"]},
        }
    ],
    LOGGING_CONFIG=None,
    HELPDESK_TEAMS_MODE_ENABLED=False,
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from helpdesk.email import process_queue  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

call_command("migrate", verbosity=0)
queue = Queue.objects.create(
    title="Pomoc",
    slug="pomoc",
    email_address="pomoc@kjm.example",
    allow_email_submission=True,
    email_box_type="imap",
    email_box_host="127.0.0.1",
    email_box_port=port,
    email_box_ssl=False,
    email_box_user=user,
    email_box_pass=password,
    email_box_imap_folder="INBOX",
    logging_type="none",
)
# A running worker has its URLs loaded: both contestants load theirs before the clock.
get_resolver().url_patterns  # noqa: B018
logger = logging.getLogger("peer")
logger.disabled = True
started = time.perf_counter()
process_queue(queue, logger=logger)
seconds = time.perf_counter() - started
print(
    json.dumps(
        {
            "seconds": seconds,
            "tickets": Ticket.objects.count(),
            "followups": FollowUp.objects.count(),
        }
    )
)
