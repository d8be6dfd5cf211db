"""A real S3-compatible server for the tests: moto's server mode (ThreadedMotoServer)
on a free port, spoken to over HTTP by boto3 exactly as a bucket elsewhere would be."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

ACCESS_KEY = "opiekun-test"
SECRET_KEY = "opiekun-test-secret"  # moto accepts any key
REGION = "eu-central-1"


@dataclass
class S3Server:
    endpoint: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"opiekun-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        body: bytes = self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
        return body

    def storage_entry(self, bucket: str, prefix: str = "") -> dict[str, Any]:
        """STORAGES["default"] as settings.py builds it for OPIEKUN_STORAGE=s3."""
        from opiekun.datastore import default_storage
        from opiekun.env import Env

        return default_storage(
            Env(
                {
                    "OPIEKUN_STORAGE": "s3",
                    "OPIEKUN_S3_BUCKET": bucket,
                    "OPIEKUN_S3_PREFIX": prefix,
                    "OPIEKUN_S3_ENDPOINT_URL": self.endpoint,
                    "OPIEKUN_S3_REGION": REGION,
                    "OPIEKUN_S3_ACCESS_KEY_ID": ACCESS_KEY,
                    "OPIEKUN_S3_SECRET_ACCESS_KEY": SECRET_KEY,
                }
            )
        )


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server for the session, on a free port of 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield S3Server(endpoint=f"http://{host}:{port}")
    server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server, settings: Any) -> str:
    """A fresh bucket made the default storage of this test (as OPIEKUN_STORAGE=s3)."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_entry(bucket, "t")}
    return bucket
