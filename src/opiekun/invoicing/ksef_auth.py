"""The access token for KSeF 2.0, obtained with a KSeF token (uwierzytelnianie in the
ministry's documentation): a challenge, the KSeF token and the challenge's timestamp
encrypted with the ministry's KsefTokenEncryption key (RSA-OAEP, SHA-256), a poll until
the authentication is done, then the access token redeemed. Kept until shortly before it
expires, so one batch authenticates once."""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from opiekun.invoicing.ksef import KsefUnavailable

# Renew this long before the token's validUntil: a batch's calls must not outlive it.
MARGIN = dt.timedelta(minutes=2)


class TokenAuth:
    """Callable: the current access token, authenticating when there is none."""

    def __init__(
        self,
        base_url: str,
        ksef_token: str,
        nip: str,
        *,
        http: requests.Session | None = None,
        timeout: float = 30.0,
        polls: int = 30,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.ksef_token = ksef_token
        self.nip = nip
        self.http = http or requests.Session()
        self.timeout = timeout
        self.polls = polls
        self.sleep = sleep
        self._token = ""
        self._until = dt.datetime.min.replace(tzinfo=dt.UTC)

    def _json(self, method: str, path: str, bearer: str = "", **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
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
        return response.json()

    def _token_key(self) -> RSAPublicKey:
        for cert in self._json("GET", "/security/public-key-certificates"):
            if "KsefTokenEncryption" in cert.get("usage", []):
                key = x509.load_der_x509_certificate(
                    base64.b64decode(cert["certificate"])
                ).public_key()
                if isinstance(key, RSAPublicKey):
                    return key
        raise KsefUnavailable("no public key for KsefTokenEncryption")

    def __call__(self) -> str:
        if self._token and dt.datetime.now(dt.UTC) < self._until - MARGIN:
            return self._token
        challenge = self._json("POST", "/auth/challenge")
        secret = f"{self.ksef_token}|{challenge['timestampMs']}".encode()
        encrypted = self._token_key().encrypt(
            secret,
            padding.OAEP(
                mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
            ),
        )
        started = self._json(
            "POST",
            "/auth/ksef-token",
            json={
                "challenge": challenge["challenge"],
                "contextIdentifier": {"type": "Nip", "value": self.nip},
                "encryptedToken": base64.b64encode(encrypted).decode("ascii"),
            },
        )
        auth = started["authenticationToken"]["token"]
        for _ in range(self.polls):
            status = self._json("GET", f"/auth/{started['referenceNumber']}", bearer=auth)
            code = status["status"]["code"]
            if code == 200:
                break
            if code != 100:
                raise KsefUnavailable(
                    f"authentication: KSeF {code} {status['status']['description']}"
                )
            self.sleep(1.0)
        else:
            raise KsefUnavailable("authentication: not finished in time")
        tokens = self._json("POST", "/auth/token/redeem", bearer=auth)
        self._token = tokens["accessToken"]["token"]
        self._until = dt.datetime.fromisoformat(tokens["accessToken"]["validUntil"])
        return self._token
