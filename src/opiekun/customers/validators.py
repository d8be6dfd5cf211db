"""Phone numbers live in core (staff and vendors have them too); these names stay here
because migrations and other apps import them from this module."""

from opiekun.core.phones import E164_REGEX, normalise_phone, validate_e164

__all__ = ["E164_REGEX", "normalise_phone", "validate_e164"]
