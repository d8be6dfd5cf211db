"""Signing a test client in past the second step, for tests about something else: a
confirmed TOTP device and a session that has verified it (as after a real code)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verified_login(client: Client, user: User) -> TOTPDevice:
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
