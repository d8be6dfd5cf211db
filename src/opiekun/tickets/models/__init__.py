"""The tickets app's models, one module per topic. Django finds them because this package
imports them; every name the old module had is importable from here."""

# Kept in the old module's order, which is the order Django registers the models in.
# isort: off
from opiekun.tickets.models.ticket import ReferenceCounter, Ticket
from opiekun.tickets.models.thread import Attachment, Message, attachment_path
from opiekun.tickets.models.work import Appointment, MaintenanceRun, WorkLog
from opiekun.tickets.models.notifications import SlaNotification
from opiekun.tickets.models.organising import CannedResponse, SavedView, Tag
from opiekun.tickets.models.rating import Rating
from opiekun.tickets.models.exclusions import ForceMajeure
# isort: on

__all__ = [
    "Appointment",
    "Attachment",
    "CannedResponse",
    "ForceMajeure",
    "MaintenanceRun",
    "Message",
    "Rating",
    "ReferenceCounter",
    "SavedView",
    "SlaNotification",
    "Tag",
    "Ticket",
    "WorkLog",
    "attachment_path",
]
