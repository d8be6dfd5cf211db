"""Sending invoices to KSeF: an interface (a batch in, a KSeF number and a UPO receipt per
invoice out) and the sender that follows the KSeF 2.0 batch flow over HTTP
(sesja-wsadowa in the ministry's documentation, API v2):

1. GET  /security/public-key-certificates: the ministry's key for SymmetricKeyEncryption;
2. the invoices go into one ZIP, encrypted with a fresh AES-256-CBC key (PKCS#7), the
   key itself with RSA-OAEP (SHA-256) under the ministry's key;
3. POST /sessions/batch opens the session with the ZIP's and each part's size and SHA-256;
4. each part is sent to its pre-signed upload URL with the method and headers given;
5. POST /sessions/batch/{ref}/close starts the processing;
6. GET  /sessions/{ref} is polled until the status leaves 100/150;
7. GET  /sessions/{ref}/invoices lists each invoice's status and KSeF number;
8. GET  /sessions/{ref}/invoices/ksef/{ksefNumber}/upo fetches each accepted one's UPO.

No Django here: the task hands it plain data and records what comes back."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import padding as asym
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

FORM_CODE = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}
# KSeF's limit is 100 MB per part before encryption.
PART_SIZE = 100 * 1024 * 1024
IN_PROGRESS = {100, 150}


@dataclass(frozen=True)
class Outgoing:
    key: int  # the caller's identifier, returned with the outcome
    number: str  # the invoice number (P_2), by which KSeF lists it
    xml: bytes


@dataclass(frozen=True)
class Outcome:
    key: int
    ksef_number: str = ""
    upo: str = ""
    error: str = ""


@dataclass
class BatchResult:
    session_reference: str
    outcomes: list[Outcome] = field(default_factory=list)


class KsefUnavailable(Exception):
    """KSeF could not be reached or did not finish: the batch is to be sent again later."""


class Sender(Protocol):
    def send(self, batch: list[Outgoing]) -> BatchResult: ...


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def aes_encrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(padded) + enc.finalize()


def aes_decrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = dec.update(data) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def zip_invoices(batch: list[Outgoing]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, item in enumerate(batch, start=1):
            archive.writestr(f"{n:05d}.xml", item.xml)
    return buf.getvalue()


class BatchSender:
    """The KSeF 2.0 batch session. ``access_token`` gives a valid access token (the
    authentication flow that obtains it is the caller's); ``sleep`` is injectable so
    tests do not wait between polls."""

    def __init__(
        self,
        base_url: str,
        access_token: Callable[[], str],
        *,
        http: requests.Session | None = None,
        poll_every: float = 2.0,
        polls: int = 90,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.http = http or requests.Session()
        self.poll_every = poll_every
        self.polls = polls
        self.timeout = timeout
        self.sleep = sleep

    # -- HTTP ----------------------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.access_token()}", **kwargs.pop("headers", {})}
        try:
            response = self.http.request(
                method, self.base_url + path, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise KsefUnavailable(f"{method} {path}: {exc}") from exc
        if response.status_code >= 400:
            raise KsefUnavailable(
                f"{method} {path}: HTTP {response.status_code} {response.text[:300]}"
            )
        return response

    def public_key(self) -> RSAPublicKey:
        certs = self._call("GET", "/security/public-key-certificates").json()
        for cert in certs:
            if "SymmetricKeyEncryption" in cert.get("usage", []):
                loaded = x509.load_der_x509_certificate(base64.b64decode(cert["certificate"]))
                key = loaded.public_key()
                if isinstance(key, RSAPublicKey):
                    return key
        raise KsefUnavailable("no public key for SymmetricKeyEncryption")

    # -- the flow ------------------------------------------------------------------
    def send(self, batch: list[Outgoing]) -> BatchResult:
        if not batch:
            return BatchResult("")
        try:
            return self._send(batch)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            # An answer not shaped as the contract says: the invoices wait for the next
            # run rather than stay claimed (a resend of one KSeF did take comes back as
            # KSeF's duplicate refusal, with its reason, for a person to look at).
            raise KsefUnavailable(f"unexpected answer from KSeF: {exc!r}") from exc

    def _send(self, batch: list[Outgoing]) -> BatchResult:
        key, iv = os.urandom(32), os.urandom(16)
        encrypted_key = self.public_key().encrypt(
            key,
            asym.OAEP(
                mgf=asym.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
            ),
        )
        archive = zip_invoices(batch)
        parts = [
            aes_encrypt(archive[at : at + PART_SIZE], key, iv)
            for at in range(0, len(archive), PART_SIZE)
        ]
        opened = self._call(
            "POST",
            "/sessions/batch",
            json={
                "formCode": FORM_CODE,
                "batchFile": {
                    "fileSize": len(archive),
                    "fileHash": sha256_b64(archive),
                    "fileParts": [
                        {"ordinalNumber": n, "fileSize": len(part), "fileHash": sha256_b64(part)}
                        for n, part in enumerate(parts, start=1)
                    ],
                },
                "encryption": {
                    "encryptedSymmetricKey": base64.b64encode(encrypted_key).decode("ascii"),
                    "initializationVector": base64.b64encode(iv).decode("ascii"),
                },
                "offlineMode": False,
            },
        ).json()
        reference = opened["referenceNumber"]
        for upload in opened["partUploadRequests"]:
            part = parts[int(upload["ordinalNumber"]) - 1]
            try:
                # A pre-signed address: KSeF says to send no Authorization header there.
                done = self.http.request(
                    upload["method"],
                    upload["url"],
                    data=part,
                    headers=upload.get("headers") or {},
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                raise KsefUnavailable(f"upload of part {upload['ordinalNumber']}: {exc}") from exc
            if done.status_code >= 400:
                raise KsefUnavailable(
                    f"upload of part {upload['ordinalNumber']}: HTTP {done.status_code}"
                )
        self._call("POST", f"/sessions/batch/{reference}/close")
        status = self._wait(reference)
        return BatchResult(reference, self._outcomes(reference, batch, status))

    def _wait(self, reference: str) -> dict[str, Any]:
        for _ in range(self.polls):
            status: dict[str, Any] = self._call("GET", f"/sessions/{reference}").json()
            if status["status"]["code"] not in IN_PROGRESS:
                return status
            self.sleep(self.poll_every)
        raise KsefUnavailable(f"session {reference}: still processing after {self.polls} polls")

    def _listed(self, reference: str) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = []
        token = None
        while True:
            headers: dict[str, str] = {"x-continuation-token": token} if token else {}
            page = self._call(
                "GET", f"/sessions/{reference}/invoices", params={"pageSize": 100}, headers=headers
            ).json()
            listed.extend(page.get("invoices", []))
            token = page.get("continuationToken")
            if not token:
                return listed

    def _outcomes(
        self, reference: str, batch: list[Outgoing], status: dict[str, Any]
    ) -> list[Outcome]:
        by_hash = {sha256_b64(item.xml): item for item in batch}
        found: dict[int, Outcome] = {}
        # 445: processed, no invoice valid; each invoice's own reason is in the list.
        listable = status["status"]["code"] in (200, 445)
        for row in self._listed(reference) if listable else []:
            item = by_hash.get(row.get("invoiceHash", ""))
            if item is None:
                continue
            code = row["status"]["code"]
            number = row.get("ksefNumber") or ""
            if code == 200 and number:
                upo = self._call(
                    "GET", f"/sessions/{reference}/invoices/ksef/{number}/upo"
                ).content.decode("utf-8")
                found[item.key] = Outcome(item.key, ksef_number=number, upo=upo)
            else:
                why = "; ".join(row["status"].get("details") or []) or row["status"]["description"]
                found[item.key] = Outcome(item.key, error=f"KSeF {code}: {why}")
        if not found:
            # The whole session failed (a bad package, a cancelled session): every
            # invoice carries the session's reason.
            s = status["status"]
            why = "; ".join(s.get("details") or []) or s["description"]
            return [Outcome(i.key, error=f"KSeF session {s['code']}: {why}") for i in batch]
        return [
            found.get(i.key, Outcome(i.key, error="KSeF did not list this invoice")) for i in batch
        ]
