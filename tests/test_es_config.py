"""Elasticsearch configuration: URLs, credentials and TLS from the environment, and the
lazy client import. No cluster needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
from creatorscout.search.es_config import (
    ENV_API_KEY,
    ENV_CA_CERTS,
    ENV_PASSWORD,
    ENV_RETRIES,
    ENV_TIMEOUT,
    ENV_USER,
    ENV_VERIFY,
    INSTALL_HINT,
    is_es_url,
    load_client,
    parse_es_url,
)


@pytest.mark.parametrize(
    ("url", "host", "prefix", "normalised"),
    [
        ("http://localhost:9200", "http://localhost:9200", "creatorscout", "http://localhost:9200"),
        ("http://localhost", "http://localhost:9200", "creatorscout", "http://localhost:9200"),
        ("HTTPS://ES.Example.org/", "https://es.example.org:9200", "creatorscout", None),
        ("https://es:443/team-a", "https://es:443", "team-a", "https://es:443/team-a"),
        (" http://[::1]:9201/x_1 ", "http://[::1]:9201", "x_1", "http://[::1]:9201/x_1"),
    ],
)
def test_urls(url: str, host: str, prefix: str, normalised: str | None) -> None:
    settings = parse_es_url(url, {})
    assert (settings.host_url, settings.prefix) == (host, prefix)
    assert settings.url == (normalised or host)
    assert is_es_url(url)


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("http://elastic:secret@localhost:9200", ENV_PASSWORD),
        ("http://localhost:9200/a/b", "path may only name the index"),
        ("http://localhost:9200/?x=1", "no ?query"),
        ("http://localhost:9200/Team", "lower-case"),
        ("http://localhost:9200/-x", "start with a letter or digit"),
        ("http://localhost:99999", "bad Elasticsearch URL"),
        ("http://", "use http(s)://host:9200"),
    ],
)
def test_bad_urls(url: str, hint: str) -> None:
    with pytest.raises(InvalidIndexURL) as info:
        parse_es_url(url, {})
    message = str(info.value)
    assert hint in message and "\n" not in message
    assert "secret" not in message


def test_password_defaults_to_the_elastic_user() -> None:
    settings = parse_es_url("http://localhost:9200", {ENV_PASSWORD: "pw-123"})
    assert settings.client_kwargs()["basic_auth"] == ("elastic", "pw-123")
    assert "pw-123" not in repr(settings) and "pw-123" not in str(settings)
    assert "pw-123" not in settings.auth_hint


def test_user_and_password() -> None:
    env = {ENV_USER: "scout", ENV_PASSWORD: "pw"}
    assert parse_es_url("http://h", env).client_kwargs()["basic_auth"] == ("scout", "pw")


def test_api_key() -> None:
    kwargs = parse_es_url("http://h", {ENV_API_KEY: " a2V5OnNlY3JldA== "}).client_kwargs()
    assert kwargs["api_key"] == "a2V5OnNlY3JldA=="
    assert "basic_auth" not in kwargs


def test_no_credentials() -> None:
    kwargs = parse_es_url("http://h", {}).client_kwargs()
    assert "basic_auth" not in kwargs and "api_key" not in kwargs


@pytest.mark.parametrize(
    ("env", "hint"),
    [
        ({ENV_API_KEY: "k", ENV_PASSWORD: "p"}, "not both"),
        ({ENV_USER: "scout"}, ENV_PASSWORD),
        ({ENV_VERIFY: "maybe"}, "true or false"),
        ({ENV_TIMEOUT: "soon"}, ENV_TIMEOUT),
        ({ENV_TIMEOUT: "0"}, ENV_TIMEOUT),
        ({ENV_RETRIES: "-1"}, ENV_RETRIES),
        ({ENV_CA_CERTS: "/no/such/ca.pem"}, "no file at /no/such/ca.pem"),
    ],
)
def test_bad_environment(env: dict[str, str], hint: str) -> None:
    with pytest.raises(InvalidIndexURL) as info:
        parse_es_url("https://h", env)
    assert hint in str(info.value) and "\n" not in str(info.value)


def test_tls_verification_is_on_by_default(tmp_path: Path) -> None:
    kwargs = parse_es_url("https://h", {}).client_kwargs()
    assert kwargs["verify_certs"] is True and "ca_certs" not in kwargs
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    kwargs = parse_es_url("https://h", {ENV_CA_CERTS: str(ca)}).client_kwargs()
    assert kwargs["ca_certs"] == str(ca) and kwargs["verify_certs"] is True
    kwargs = parse_es_url("https://h", {ENV_VERIFY: "false"}).client_kwargs()
    assert kwargs["verify_certs"] is False
    # plain http has no TLS options at all
    assert "verify_certs" not in parse_es_url("http://h", {ENV_CA_CERTS: str(ca)}).client_kwargs()


def test_timeouts_and_retries() -> None:
    kwargs = parse_es_url("http://h", {ENV_TIMEOUT: "2.5", ENV_RETRIES: "7"}).client_kwargs()
    assert (kwargs["request_timeout"], kwargs["max_retries"]) == (2.5, 7)
    assert kwargs["retry_on_timeout"] is True
    defaults = parse_es_url("http://h", {}).client_kwargs()
    assert (defaults["request_timeout"], defaults["max_retries"]) == (30.0, 3)


def test_a_missing_client_is_one_line_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "elasticsearch", None)  # import fails, as if not installed
    with pytest.raises(IndexUnavailable) as info:
        load_client()
    assert INSTALL_HINT in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(IndexUnavailable):
        open_index("http://127.0.0.1:9")
    # the embedded index never needs the client
    with open_index(f"sqlite:///{tmp_path / 'x.db'}") as index:
        assert index.stats().records == 0
