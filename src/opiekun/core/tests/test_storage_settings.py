"""OPIEKUN_STORAGE picks where shared files live (issue 19, item 3); a bad value stops
start-up with a message naming the variable."""

from __future__ import annotations

import pytest

from opiekun.datastore import LOCAL_BACKEND, S3_BACKEND, default_storage
from opiekun.env import ConfigError, Env


def test_it_keeps_the_local_disk_by_default() -> None:
    assert default_storage(Env({})) == {"BACKEND": LOCAL_BACKEND}


def test_it_builds_a_private_s3_storage_from_the_environment() -> None:
    entry = default_storage(
        Env(
            {
                "OPIEKUN_STORAGE": "s3",
                "OPIEKUN_S3_BUCKET": "pliki",
                "OPIEKUN_S3_PREFIX": "/opiekun/",
                "OPIEKUN_S3_ENDPOINT_URL": "https://s3.example",
                "OPIEKUN_S3_REGION": "eu-central-1",
                "OPIEKUN_S3_ACCESS_KEY_ID": "id",
                "OPIEKUN_S3_SECRET_ACCESS_KEY": "secret",
                "OPIEKUN_S3_URL_SECONDS": "30",
            }
        )
    )
    assert entry["BACKEND"] == S3_BACKEND
    options = entry["OPTIONS"]
    assert options["bucket_name"] == "pliki"
    assert options["location"] == "opiekun"
    assert options["endpoint_url"] == "https://s3.example"
    assert options["region_name"] == "eu-central-1"
    assert (options["access_key"], options["secret_key"]) == ("id", "secret")
    # Never public: read by the app after its check, or by a URL that expires soon.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True and options["querystring_expire"] == 30


@pytest.mark.parametrize(
    ("environment", "variable"),
    [
        ({"OPIEKUN_STORAGE": "ftp"}, "OPIEKUN_STORAGE"),
        ({"OPIEKUN_STORAGE": "s3"}, "OPIEKUN_S3_BUCKET"),
        (
            {"OPIEKUN_STORAGE": "s3", "OPIEKUN_S3_BUCKET": "b", "OPIEKUN_S3_ENDPOINT_URL": "s3:x"},
            "OPIEKUN_S3_ENDPOINT_URL",
        ),
        (
            {"OPIEKUN_STORAGE": "s3", "OPIEKUN_S3_BUCKET": "b", "OPIEKUN_S3_ACCESS_KEY_ID": "id"},
            "OPIEKUN_S3_SECRET_ACCESS_KEY",
        ),
        (
            {"OPIEKUN_STORAGE": "s3", "OPIEKUN_S3_BUCKET": "b", "OPIEKUN_S3_URL_SECONDS": "0"},
            "OPIEKUN_S3_URL_SECONDS",
        ),
    ],
)
def test_a_bad_setting_names_its_variable(environment: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as raised:
        default_storage(Env(environment))
    assert raised.value.name == variable
