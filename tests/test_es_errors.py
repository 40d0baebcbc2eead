"""What users read when an Elasticsearch index cannot be used: one line that says what to fix.

Real HTTP and TLS on 127.0.0.1: a small local server stands in for a cluster that refuses
(401/403), for something that is not Elasticsearch, and for a cluster that never answers;
a closed port for one that is not running. The certificates are made here, in tmp_path.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from creatorscout.search.backend import IndexOpenError, open_index
from creatorscout.search.es_config import ENV_CA_CERTS, ENV_PASSWORD, ENV_RETRIES, ENV_TIMEOUT
from creatorscout.search.es_errors import ElasticsearchError, ElasticsearchUnreachable

SECRET = "hunter2-not-for-logs"


class Handler(BaseHTTPRequestHandler):
    """Answers every request the same way, as ``server.answer`` says."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        answer: str = self.server.answer  # type: ignore[attr-defined]
        if answer == "hang":
            self.server.release.wait(10)  # type: ignore[attr-defined]
            return
        status, body, product = {
            "401": (401, {"error": {"type": "security_exception", "reason": "bad"}}, True),
            "403": (
                403,
                {
                    "error": {
                        "root_cause": [
                            {"type": "security_exception", "reason": "action [x] is unauthorized"}
                        ],
                        "type": "security_exception",
                    }
                },
                True,
            ),
            "not-es": (200, {"hello": "I am some other service"}, False),
        }[answer]
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if product:
            self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    answer = "401"
    release = threading.Event()


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.release = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_RETRIES, "0")
    monkeypatch.setenv(ENV_TIMEOUT, "5")
    monkeypatch.setenv(ENV_PASSWORD, SECRET)
    for name in ("CREATORSCOUT_ES_USER", "CREATORSCOUT_ES_API_KEY", ENV_CA_CERTS):
        monkeypatch.delenv(name, raising=False)


def url_of(server: Server, scheme: str = "http") -> str:
    return f"{scheme}://127.0.0.1:{server.server_address[1]}"


def error_of(url: str) -> IndexOpenError:
    with pytest.raises(IndexOpenError) as info:
        open_index(url)
    message = str(info.value)
    assert "\n" not in message and SECRET not in message
    return info.value


def test_nothing_listening() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = error_of(f"http://127.0.0.1:{port}/team")
    assert isinstance(error, ElasticsearchUnreachable)
    assert str(error) == (
        f"cannot reach Elasticsearch at http://127.0.0.1:{port}/team; "
        "is `docker compose up -d elasticsearch` running?"
    )


def test_wrong_password(server: Server) -> None:
    error = error_of(url_of(server))
    assert isinstance(error, ElasticsearchError)
    assert "refused user 'elastic' with the password in CREATORSCOUT_ES_PASSWORD (401)" in str(
        error
    )


def test_missing_privileges(server: Server) -> None:
    server.answer = "403"
    message = str(error_of(url_of(server)))
    # the first refused request may be a HEAD (no body): the status and the fix remain
    assert "(403" in message and "does not allow user 'elastic'" in message
    assert "manage_index_templates" in message and "creatorscout-*" in message
    assert "None" not in message


def test_not_elasticsearch(server: Server) -> None:
    server.answer = "not-es"
    assert "not an Elasticsearch server" in str(error_of(url_of(server)))


def test_no_answer(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_TIMEOUT, "0.3")
    server.answer = "hang"
    message = str(error_of(url_of(server)))
    assert "did not answer within 0.3s" in message and ENV_TIMEOUT in message


def test_https_to_a_plain_http_server(server: Server) -> None:
    message = str(error_of(url_of(server, "https")))
    assert "does not speak TLS; use http://" in message


# -- TLS with a certificate authority of our own ------------------------------------------------


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it (PEM files)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "creatorscout test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


@pytest.fixture
def tls_server(server: Server, tmp_path: Path) -> tuple[Server, Path]:
    ca_file, cert_file, key_file = _certificates(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return server, ca_file


def test_an_unknown_certificate_authority_is_refused(tls_server: tuple[Server, Path]) -> None:
    server, _ca = tls_server
    message = str(error_of(url_of(server, "https")))
    assert "is not trusted; set CREATORSCOUT_ES_CA_CERTS" in message


def test_the_ca_file_makes_it_trusted(
    tls_server: tuple[Server, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, ca_file = tls_server
    monkeypatch.setenv(ENV_CA_CERTS, str(ca_file))
    # TLS now succeeds; what is left is the server's own answer (401)
    assert "(401)" in str(error_of(url_of(server, "https")))


def test_verification_can_be_switched_off(
    tls_server: tuple[Server, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ca = tls_server
    monkeypatch.setenv("CREATORSCOUT_ES_VERIFY_CERTS", "false")
    assert "(401)" in str(error_of(url_of(server, "https")))
