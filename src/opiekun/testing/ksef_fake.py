"""A local KSeF 2.0 for tests: a small WSGI app, started in a thread, that follows the
published contract of the batch flow (open-api.json of the ministry's ksef-docs): it
hands out an RSA key in a certificate, wants a Bearer token, checks the sizes and SHA-256
of the ZIP and of each part, decrypts the parts with the key the client sent, checks each
invoice against the FA(3) XSD, and answers with KSeF numbers and UPO receipts."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import re
import threading
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from opiekun.invoicing import ksef, schema

TOKEN = "fake-access-token"
KSEF_TOKEN = "fake-ksef-token"


def _certificate(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake KSeF")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


@dataclass
class Session:
    reference: str
    request: dict[str, Any]
    parts: dict[int, bytes] = field(default_factory=dict)
    closed: bool = False
    polls: int = 0
    invoices: list[dict[str, Any]] = field(default_factory=list)
    code: int = 100
    final: int = 200
    details: list[str] = field(default_factory=list)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class FakeKsef:
    """The fake's state is readable by tests: ``sessions``, ``requests`` (method, path)."""

    def __init__(self, *, seller_nip: str = "") -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.cert = _certificate(self.key)
        self.sessions: dict[str, Session] = {}
        self.requests: list[tuple[str, str]] = []
        self.polls_before_done = 1
        self.reject_numbers: set[str] = set()
        self._counter = 0
        self.challenge: dict[str, Any] = {}
        self.authenticated_nip = ""
        self.redeemed = 0
        self._lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self.app, _Threading, _Quiet)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/v2"

    # -- WSGI ----------------------------------------------------------------------
    def app(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        self.requests.append((method, path))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        status, payload, kind = self.handle(method, path, body, environ)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(data)))])
        return iter([data])

    def handle(
        self, method: str, path: str, body: bytes, environ: dict[str, Any]
    ) -> tuple[str, Any, str]:
        upload = re.fullmatch(r"/upload/([^/]+)/(\d+)", path)
        if upload and method == "PUT":
            # Pre-signed: no token wanted, and none may be sent.
            if environ.get("HTTP_AUTHORIZATION"):
                return (
                    "400 Bad Request",
                    {"error": "no Authorization on upload"},
                    "application/json",
                )
            return self._upload(upload[1], int(upload[2]), body)
        if path.startswith("/v2/auth/"):
            return self._auth(method, path, body, environ.get("HTTP_AUTHORIZATION", ""))
        if method == "GET" and path == "/v2/security/public-key-certificates":
            cert = base64.b64encode(self.cert).decode()
            return "200 OK", [self._cert_row(cert)], "application/json"
        if environ.get("HTTP_AUTHORIZATION") != f"Bearer {TOKEN}":
            return "401 Unauthorized", {"title": "Unauthorized"}, "application/problem+json"
        if method == "POST" and path == "/v2/sessions/batch":
            return self._open(json.loads(body))
        m = re.fullmatch(r"/v2/sessions/batch/([^/]+)/close", path)
        if m and method == "POST":
            return self._close(m[1])
        m = re.fullmatch(r"/v2/sessions/([^/]+)", path)
        if m and method == "GET" and m[1] in self.sessions:
            return self._status(self.sessions[m[1]])
        m = re.fullmatch(r"/v2/sessions/([^/]+)/invoices", path)
        if m and method == "GET" and m[1] in self.sessions:
            return "200 OK", {"invoices": self.sessions[m[1]].invoices}, "application/json"
        m = re.fullmatch(r"/v2/sessions/([^/]+)/invoices/ksef/([^/]+)/upo", path)
        if m and method == "GET" and m[1] in self.sessions:
            return self._upo(self.sessions[m[1]], m[2])
        return "404 Not Found", {"title": "Not Found"}, "application/problem+json"

    def _auth(self, method: str, path: str, body: bytes, bearer: str) -> tuple[str, Any, str]:
        if method == "POST" and path == "/v2/auth/challenge":
            self.challenge = {
                "challenge": self._reference("CR"),
                "timestamp": "2026-12-01T08:00:00.000Z",
                "timestampMs": 1796112000000,
                "clientIp": "127.0.0.1",
            }
            return "200 OK", self.challenge, "application/json"
        if method == "POST" and path == "/v2/auth/ksef-token":
            req = json.loads(body)
            secret = self.key.decrypt(
                base64.b64decode(req["encryptedToken"]),
                padding.OAEP(
                    mgf=padding.MGF1(algorithm=hashes.SHA256()),
                    algorithm=hashes.SHA256(),
                    label=None,
                ),
            ).decode()
            expected = f"{KSEF_TOKEN}|{self.challenge['timestampMs']}"
            if req["challenge"] != self.challenge["challenge"] or secret != expected:
                return "400 Bad Request", {"title": "bad token"}, "application/problem+json"
            self.authenticated_nip = req["contextIdentifier"]["value"]
            ref = self._reference("AU")
            return (
                "202 Accepted",
                {
                    "referenceNumber": ref,
                    "authenticationToken": {
                        "token": "auth-op",
                        "validUntil": "2026-12-01T09:00:00+00:00",
                    },
                },
                "application/json",
            )
        if bearer != "Bearer auth-op":
            return "401 Unauthorized", {"title": "Unauthorized"}, "application/problem+json"
        if method == "POST" and path == "/v2/auth/token/redeem":
            self.redeemed += 1
            far = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)).isoformat()
            tokens = {"token": TOKEN, "validUntil": far}
            return "200 OK", {"accessToken": tokens, "refreshToken": tokens}, "application/json"
        if method == "GET":
            return (
                "200 OK",
                {"status": {"code": 200, "description": "Uwierzytelnianie zakończone sukcesem"}},
                "application/json",
            )
        return "404 Not Found", {"title": "Not Found"}, "application/problem+json"

    @staticmethod
    def _cert_row(cert: str) -> dict[str, Any]:
        return {
            "certificate": cert,
            "certificateId": "fake-1",
            "publicKeyId": "fake-1",
            "validFrom": "2026-01-01T00:00:00Z",
            "validTo": "2027-01-01T00:00:00Z",
            "usage": ["KsefTokenEncryption", "SymmetricKeyEncryption"],
        }

    # -- the flow ------------------------------------------------------------------
    def _reference(self, kind: str) -> str:
        with self._lock:
            self._counter += 1
            n = self._counter
        # 36 characters, as ReferenceNumber requires.
        return f"20261201-{kind}-{n:010X}-{uuid.uuid4().hex[:10].upper()}-{n % 256:02X}"

    def _open(self, req: dict[str, Any]) -> tuple[str, Any, str]:
        missing = [k for k in ("formCode", "batchFile", "encryption") if k not in req]
        if missing or req["formCode"] != ksef.FORM_CODE:
            return "400 Bad Request", {"missing": missing}, "application/json"
        ref = self._reference("SB")
        self.sessions[ref] = Session(ref, req)
        uploads = [
            {
                "ordinalNumber": part["ordinalNumber"],
                "method": "PUT",
                "url": self.base_url.removesuffix("/v2") + f"/upload/{ref}/{part['ordinalNumber']}",
                "headers": {"x-ms-blob-type": "BlockBlob"},
            }
            for part in req["batchFile"]["fileParts"]
        ]
        return (
            "201 Created",
            {"referenceNumber": ref, "partUploadRequests": uploads},
            "application/json",
        )

    def _upload(self, ref: str, n: int, body: bytes) -> tuple[str, Any, str]:
        session = self.sessions.get(ref)
        if session is None or session.closed:
            return "404 Not Found", b"", "text/plain"
        declared = {p["ordinalNumber"]: p for p in session.request["batchFile"]["fileParts"]}
        part = declared.get(n)
        if (
            part is None
            or part["fileSize"] != len(body)
            or part["fileHash"] != ksef.sha256_b64(body)
        ):
            return "400 Bad Request", b"part does not match its declaration", "text/plain"
        session.parts[n] = body
        return "201 Created", b"", "text/plain"

    def _close(self, ref: str) -> tuple[str, Any, str]:
        session = self.sessions.get(ref)
        if session is None:
            return "404 Not Found", {"title": "Not Found"}, "application/problem+json"
        session.closed = True
        session.code = 150
        self._process(session)
        return "204 No Content", b"", "application/json"

    def _process(self, session: Session) -> None:
        enc = session.request["encryption"]
        try:
            key = self.key.decrypt(
                base64.b64decode(enc["encryptedSymmetricKey"]),
                padding.OAEP(
                    mgf=padding.MGF1(algorithm=hashes.SHA256()),
                    algorithm=hashes.SHA256(),
                    label=None,
                ),
            )
        except ValueError:
            session.code, session.details = 415, ["key does not decrypt"]
            return
        iv = base64.b64decode(enc["initializationVector"])
        archive = b"".join(
            ksef.aes_decrypt(session.parts[n], key, iv) for n in sorted(session.parts)
        )
        batch = session.request["batchFile"]
        if len(archive) != batch["fileSize"] or ksef.sha256_b64(archive) != batch["fileHash"]:
            session.code, session.details = 405, ["package does not match its declaration"]
            return
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            files = [(name, zf.read(name)) for name in sorted(zf.namelist())]
        for n, (name, xml) in enumerate(files, start=1):
            session.invoices.append(self._invoice(n, name, xml))
        ok = any(i["status"]["code"] == 200 for i in session.invoices)
        session.final = 200 if ok else 445

    def _invoice(self, n: int, name: str, xml: bytes) -> dict[str, Any]:
        problems = schema.errors(xml)
        number = re.search(rb"<P_2>([^<]*)</P_2>", xml)
        invoice_number = number[1].decode() if number else ""
        nip = re.search(rb"<Podmiot1>.*?<NIP>(\d{10})</NIP>", xml, re.S)
        row: dict[str, Any] = {
            "ordinalNumber": n,
            "invoiceNumber": invoice_number,
            "referenceNumber": self._reference("EE"),
            "invoiceHash": ksef.sha256_b64(xml),
            "invoiceFileName": name,
            "invoicingDate": "2026-12-01T08:00:00+00:00",
        }
        if problems or invoice_number in self.reject_numbers:
            row["status"] = {
                "code": 450,
                "description": "Błąd weryfikacji semantyki dokumentu faktury",
                "details": problems[:3] or ["rejected by the test"],
            }
            return row
        tail = hashlib.sha256(xml).hexdigest()[:12].upper()
        row["ksefNumber"] = (
            f"{nip[1].decode() if nip else '0000000000'}-20261201-{tail[:6]}-{tail[6:]}-{n:02X}"
        )
        row["status"] = {"code": 200, "description": "Sukces"}
        return row

    def _status(self, session: Session) -> tuple[str, Any, str]:
        if session.closed and session.code == 150:
            session.polls += 1
            if session.polls > self.polls_before_done:
                session.code = session.final
        out: dict[str, Any] = {
            "status": {
                "code": session.code,
                "description": {100: "Sesja wsadowa rozpoczęta", 150: "Trwa przetwarzanie"}.get(
                    session.code, "Sesja wsadowa przetworzona"
                ),
                "details": session.details,
            },
            "dateCreated": "2026-12-01T08:00:00+00:00",
            "dateUpdated": "2026-12-01T08:00:01+00:00",
            "invoiceCount": len(session.invoices),
        }
        return "200 OK", out, "application/json"

    def _upo(self, session: Session, number: str) -> tuple[str, Any, str]:
        for row in session.invoices:
            if row.get("ksefNumber") == number:
                upo = (
                    '<?xml version="1.0" encoding="UTF-8"?>'
                    '<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-2">'
                    f"<NumerReferencyjnySesji>{session.reference}</NumerReferencyjnySesji>"
                    f"<Dokument><NumerKSeFDokumentu>{number}</NumerKSeFDokumentu>"
                    f"<NumerFaktury>{row['invoiceNumber']}</NumerFaktury>"
                    f"<SkrotDokumentu>{row['invoiceHash']}</SkrotDokumentu></Dokument>"
                    "</Potwierdzenie>"
                )
                return "200 OK", upo.encode(), "application/xml"
        return "404 Not Found", {"title": "Not Found"}, "application/problem+json"

    # -- running -------------------------------------------------------------------
    def __enter__(self) -> FakeKsef:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
