"""Where shared files (ticket attachments) live, and how long data is kept (issue 19,
ADR 0027): the local disk by default, or an S3-compatible bucket when web and workers
run on several machines; retention periods in days, 0 keeping forever.

Pure Python like env.py (no Django import): settings.py calls these readers, so a
missing bucket or a bad number stops start-up with a message naming the variable.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlsplit

from opiekun.env import ConfigError, Env

KINDS = ("local", "s3")
S3_BACKEND = "storages.backends.s3.S3Storage"
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"


def default_storage(env: Env) -> dict[str, Any]:
    """The STORAGES["default"] entry chosen by OPIEKUN_STORAGE (local or s3)."""
    kind = env.choice("OPIEKUN_STORAGE", "local", KINDS)
    if kind == "local":
        return {"BACKEND": LOCAL_BACKEND}
    endpoint = env.text("OPIEKUN_S3_ENDPOINT_URL", "")
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise ConfigError(
            "OPIEKUN_S3_ENDPOINT_URL", f"expected an http:// or https:// URL, got {endpoint!r}"
        )
    access_key = env.text("OPIEKUN_S3_ACCESS_KEY_ID", "")
    secret_key = env.text("OPIEKUN_S3_SECRET_ACCESS_KEY", "")
    if bool(access_key) != bool(secret_key):
        # One without the other would silently fall back to boto3's own credential chain.
        raise ConfigError(
            "OPIEKUN_S3_SECRET_ACCESS_KEY" if access_key else "OPIEKUN_S3_ACCESS_KEY_ID",
            "the access key id and the secret access key are set together or not at all",
        )
    expiry = env.number("OPIEKUN_S3_URL_SECONDS", 60, minimum=1)
    options: dict[str, Any] = {
        "bucket_name": env.text("OPIEKUN_S3_BUCKET"),
        # A prefix inside the bucket, so one bucket can hold several installations.
        "location": env.text("OPIEKUN_S3_PREFIX", "").strip("/"),
        # Files are never public: the app reads them after its permission check and
        # streams them; a signed URL, where one is made, lives OPIEKUN_S3_URL_SECONDS.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": expiry,
        # Stored names are content hashes (tickets.models.attachment_path): the same
        # name is the same bytes, so writing it again is harmless.
        "file_overwrite": True,
    }
    if endpoint:
        options["endpoint_url"] = endpoint
    region = env.text("OPIEKUN_S3_REGION", "")
    if region:
        options["region_name"] = region
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


class Retention(NamedTuple):
    """Days after which the nightly retention job trims; 0 keeps forever."""

    raw_mail_days: int  # raw bytes of processed inbound mail (the row itself stays)
    audit_days: int  # audit events no register or statement reads
    closed_attachment_days: int  # files of tickets closed this long ago
    # Files of report exports (issue 20) finished this long ago: copies of figures the
    # desk can write again, so unlike the rest they are removed by default.
    export_days: int = 7


def retention(env: Env) -> Retention:
    # Nothing is deleted until an operator chooses a period: an upgrade never trims data.
    # Export files are the exception: copies made on request, written again on request.
    return Retention(
        env.number("RETENTION_RAW_MAIL_DAYS", 0, minimum=0),
        env.number("RETENTION_AUDIT_DAYS", 0, minimum=0),
        env.number("RETENTION_CLOSED_ATTACHMENT_DAYS", 0, minimum=0),
        env.number("RETENTION_EXPORT_DAYS", 7, minimum=0),
    )
