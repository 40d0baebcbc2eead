"""Client-credentials sign-in for API platforms (Reddit, Twitch): the base class
:class:`AppSignIn` does the chores, and a plugin states only what differs.

The flow (RFC 6749 section 4.4, "Client Credentials Grant"): ``discover()`` yields one
``POST`` to the token endpoint, made through the crawler like any other request; its answer
(section 5.1) gives the app access token and starts the discovery; a 401 later on (an
expired or revoked token) signs in again once and repeats the refused call with the new
token. Without the client id and secret in the environment the platform logs one line
and asks for nothing.

The token lives in the platform object only (a :class:`pydantic.SecretStr`), never in a
request's context, an item or a log; the refused call waits in the sign-in's context
without its headers.
"""

from __future__ import annotations

import base64
import logging
import re
from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Literal
from urllib.parse import urlencode

from pydantic import SecretStr

from creatorscout.config.schema import Niche
from creatorscout.plugins.keys import no_key, secrets_from_env
from creatorscout.plugins.platform import (
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    PlatformSettings,
    Refusal,
)

#: Context key of a sign-in made to repeat a refused call (the call, without headers).
RETRY = "retry"
#: Context key marking a call repeated once after signing in again.
AGAIN = "signed_in_again"
#: The name of the token endpoint in :attr:`Platform.endpoints`.
TOKEN = "token"


def access_token(data: Any, endpoint: str) -> str:
    """The ``access_token`` of a token answer (RFC 6749 section 5.1)."""
    token = data.get("access_token") if isinstance(data, Mapping) else None
    if not isinstance(token, str) or not token:
        raise MalformedResponse(f"{endpoint}: no access_token in the answer")
    return token


def after_sign_in(response: FetchResponse, headers: Mapping[str, str],
                  discovery: Callable[[], list[FetchRequest]]) -> list[FetchRequest]:
    """What a token answer leads to: the refused call it was made for, with fresh
    ``headers``, or else the discovery."""
    retry = response.request.context.get(RETRY)
    if isinstance(retry, dict):
        return [FetchRequest.model_validate(retry).model_copy(update={"headers": dict(headers)})]
    return discovery()


def sign_in_again(response: FetchResponse, is_token_call: bool,
                  sign_in: Callable[..., FetchRequest | None]) -> ParseResult | None:
    """On a 401 (an expired or revoked token) the sign-in to make, once per call; ``None``
    for anything else, so the refusal is reported."""
    request = response.request
    if response.status != 401 or request.context.get(AGAIN) or is_token_call:
        return None
    again = request.model_copy(update={"context": {**request.context, AGAIN: True}})
    retry = sign_in(**{RETRY: again.model_dump(mode="json", exclude={"headers"})})
    return ParseResult(requests=[retry]) if retry else None


class AppSignIn(Platform):
    """A platform whose API takes an app access token from a client-credentials sign-in.

    A subclass sets the class attributes below, the usual :class:`Platform` ones (its
    ``endpoints`` without the token endpoint: it is added, named ``"token"``, with
    ``token_host`` in ``endpoint_hosts``) and implements :meth:`discovery` (the requests
    the first token starts) and :meth:`parse_answer` (every endpoint but the sign-in).
    It builds API calls with :meth:`api_headers`; :meth:`discover`, :meth:`parse`'s
    sign-in branch and :meth:`on_refusal`'s second sign-in are done here.
    """

    #: The environment variables of the client id and the client secret.
    client_variables: ClassVar[tuple[str, str]]
    #: Where the live platform signs in (a configured base URL, the sandbox, replaces it).
    token_host: ClassVar[str]
    #: The token endpoint's path.
    token_path: ClassVar[str]
    #: How the id and secret travel (RFC 6749 section 2.3.1): HTTP Basic auth or the form.
    client_auth: ClassVar[Literal["basic", "form"]] = "basic"
    #: The word before the token in ``Authorization`` (Reddit's examples write ``bearer``).
    token_scheme: ClassVar[str] = "Bearer"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Before Platform compiles the endpoint table: the token endpoint joins it once.
        path = getattr(cls, "token_path", None)
        if path and TOKEN not in {e.name for e in cls.endpoints}:
            cls.endpoints = [Endpoint(TOKEN, f"{re.escape(path)}$"), *cls.endpoints]
            cls.endpoint_hosts = {TOKEN: cls.token_host, **cls.endpoint_hosts}
        super().__init_subclass__(**kwargs)

    def __init__(self, settings: PlatformSettings | None = None) -> None:
        super().__init__(settings)
        self.__client = secrets_from_env(*self.client_variables)
        self.__token: SecretStr | None = None
        self._niche: Niche | None = None

    @property
    def has_keys(self) -> bool:
        """Whether the client id and secret are set (without them nothing is asked)."""
        return self.__client is not None

    @property
    def client_id(self) -> str:
        """The app's client id ("" without keys), for platforms that send it on every call."""
        return self.__client[0].get_secret_value() if self.__client else ""

    # -- what a subclass states ------------------------------------------------------------

    @abstractmethod
    def discovery(self, niche: Niche) -> list[FetchRequest]:
        """The discovery requests, made once the first token has come."""

    @abstractmethod
    def parse_answer(self, response: FetchResponse, kind: str, data: Any,
                     result: ParseResult) -> None:
        """Parse the JSON ``data`` of an API answer from the endpoint ``kind`` (any but
        the sign-in) into ``result``."""

    def identity_headers(self) -> dict[str, str]:
        """Headers every request carries, the sign-in too (Reddit's User-Agent)."""
        return {}

    def api_headers(self, token: str | None = None) -> dict[str, str]:
        """The headers of an API call: :meth:`identity_headers` and ``token`` (the app's
        when none is given, none before the sign-in)."""
        if token is None and self.__token is not None:
            token = self.__token.get_secret_value()
        headers = self.identity_headers()
        if token:
            headers["Authorization"] = f"{self.token_scheme} {token}"
        return headers

    # -- done here -------------------------------------------------------------------------

    def token_url(self) -> str:
        """Where to sign in: :attr:`token_host`, or the configured base URL (the sandbox
        serves every endpoint under one)."""
        base = self.base_url() if self.settings.base_url else self.token_host
        return f"{base}{self.token_path}"

    def sign_in(self, **context: Any) -> FetchRequest | None:
        """The token request (``None`` without keys); ``context`` comes back with its
        answer."""
        if self.__client is None:
            return None
        client, secret = (value.get_secret_value() for value in self.__client)
        form = [("grant_type", "client_credentials")]
        headers = self.identity_headers()
        if self.client_auth == "basic":
            basic = base64.b64encode(f"{client}:{secret}".encode()).decode()
            headers = {"Authorization": f"Basic {basic}", **headers}
        else:
            form = [("client_id", client), ("client_secret", secret), *form]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return FetchRequest(url=self.token_url(), platform=self.name, purpose="discover",
                            method="POST", headers=headers, body=urlencode(form).encode(),
                            context=context)

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        """The sign-in; its answer starts the discovery (see :meth:`parse`)."""
        self._niche = niche
        sign_in = self.sign_in()
        if sign_in is None:
            # the plugin's own logger: its name is what users filter logs by
            logging.getLogger(type(self).__module__).warning(
                no_key(self.name, self.title, self.client_variables))
            return
        yield sign_in

    def parse(self, response: FetchResponse) -> ParseResult:
        """A token answer keeps the token and yields the call it was made for or the
        discovery; any other answer goes to :meth:`parse_answer`."""
        kind, _ = self.endpoint(response.url)
        data = response.json()
        result = ParseResult()
        if kind != TOKEN:
            self.parse_answer(response, kind, data, result)
            return result
        self.__token = SecretStr(access_token(data, self.token_path.lstrip("/")))
        result.requests += after_sign_in(
            response, self.api_headers(),
            lambda: self.discovery(self._niche) if self._niche else [])
        return result

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """An expired or revoked token (401): sign in again once, then repeat the call."""
        return sign_in_again(response, self.endpoint(response.url)[0] == TOKEN, self.sign_in)
