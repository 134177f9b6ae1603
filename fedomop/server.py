"""The Jupyter server extension: runtime configuration for the frontend and a relay to the hub.

``GET  {base_url}fedomop/config``  what the lab extension needs to know at run time (hub, identity
                                   provider, default sites), set once by an admin via traitlets or env.
``*    {base_url}fedomop/hub/...`` the hub's HTTP API (docs/http-api.md), relayed byte for byte.
``{base_url}fedomop/auth/...``     sign-in: the popup's callback page, and the access token for kernels
                                   (fedomop/server_auth.py).

Why a relay: the browser then talks only to the Jupyter origin, exactly as it will when the hub runs
as a JupyterHub service under ``/services/fedomop/``; no CORS, and the Jupyter server's own login
guards the hub. Arrow result streams and server-sent events are passed on chunk by chunk as the hub
writes them, never buffered, so the panel shows each site's answer as it arrives.

The hub's bearer token travels from the browser in ``X-Fedomop-Authorization`` (``Authorization``
already carries the Jupyter token) and leaves here as ``Authorization``; the Jupyter token and cookies
never reach the hub.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.httputil import HTTPHeaders, parse_response_start_line
from tornado.ioloop import IOLoop, PeriodicCallback
from traitlets import Bool, Dict, Float, List, Unicode, default
from traitlets.config import Configurable

from . import __version__
from .jupyterhub_session import JupyterHubSession
from .server_auth import TokenFile, auth_handlers, default_token_file
from .templates import SHIPPED_TEMPLATES, TemplatesHandler

DEFAULT_SCOPES = "openid profile email eduperson_entitlement"

# Helmholtz AAI (Unity IdM): a JWT access token only when the token request accepts
# application/at+jwt; group claims in tokens only with claims_in_tokens=token.
IDP_PRESETS: dict[str, dict[str, Any]] = {
    "helmholtz": {
        "issuer": "https://login.helmholtz.de/oauth2",
        "extra": {"claims_in_tokens": "token"},
        "jwt": True,
    },
    "helmholtz-dev": {
        "issuer": "https://login-dev.helmholtz.de/oauth2",
        "extra": {"claims_in_tokens": "token"},
        "jwt": True,
    },
}

# Only the hub's public API is relayed: the relay must not become a way to reach other paths.
RELAYED_PATH = re.compile(r"^(healthz|v1/[A-Za-z0-9._~/-]*)$")

# Request headers passed on to the hub; everything else (cookies, the Jupyter token) stays here.
FORWARDED_REQUEST_HEADERS = (
    "Accept",
    "Content-Type",
    "Last-Event-ID",
    "X-Fedomop-Query-Id",
)
# Response headers passed back; hop-by-hop and length headers are the relay's own business.
FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Content-Encoding", "Cache-Control")


def _env_list(name: str) -> list[str]:
    return [s.strip() for s in os.environ.get(name, "").split(",") if s.strip()]


class Fedomop(Configurable):
    """Runtime settings, e.g. ``c.Fedomop.hub_url = "http://hub:8100"`` in jupyter_server_config.py."""

    # Inside a JupyterHub that keeps the user's access token in its auth state (set by setup_handlers).
    session: JupyterHubSession | None = None

    hub_url = Unicode(
        help="URL of the fedomop hub as the Jupyter server reaches it (env FEDOMOP_HUB_URL).",
    ).tag(config=True)

    relay = Bool(
        True,
        help=(
            "Relay the browser's hub requests through {base_url}fedomop/hub/ (same origin, no CORS). "
            "When False the browser calls browser_hub_url directly and the hub must allow the origin."
        ),
    ).tag(config=True)

    browser_hub_url = Unicode(
        help="The hub URL as the browser reaches it when relay is False (env FEDOMOP_BROWSER_HUB_URL).",
    ).tag(config=True)

    default_sites = List(
        Unicode(),
        help="Sites preselected in the query panel; empty means every site (env FEDOMOP_DEFAULT_SITES, comma-separated).",
    ).tag(config=True)

    idp_issuer = Unicode(
        help="OpenID Connect issuer, e.g. https://login.helmholtz.de/oauth2 (env FEDOMOP_IDP_ISSUER)."
    ).tag(config=True)
    idp_client_id = Unicode(help="Public OIDC client id of the lab extension (env FEDOMOP_IDP_CLIENT_ID).").tag(
        config=True
    )
    idp_scopes = Unicode(help="Scopes the sign-in asks for (env FEDOMOP_IDP_SCOPES).").tag(config=True)
    idp_preset = Unicode(
        help=(
            "helmholtz or helmholtz-dev: Helmholtz AAI's production or development issuer, with "
            "claims_in_tokens=token and JWT access tokens (env FEDOMOP_IDP_PRESET). idp_issuer, when set, wins."
        )
    ).tag(config=True)
    idp_extra_parameters = Dict(
        value_trait=Unicode(),
        help="Extra authorization request parameters, e.g. {'claims_in_tokens': 'token'} (env FEDOMOP_IDP_EXTRA_PARAMS, JSON).",
    ).tag(config=True)
    idp_jwt_access_token = Bool(
        help="Ask the token endpoint for a JWT access token (Accept: application/at+jwt; env FEDOMOP_IDP_JWT=1).",
    ).tag(config=True)
    token_file = Unicode(
        help=(
            "Where the signed-in user's access token is kept for this server's kernels (mode 0600; env "
            "FEDOMOP_TOKEN_FILE, default ~/.fedomop/token). Kernels find it through FEDOMOP_TOKEN_FILE."
        )
    ).tag(config=True)

    templates_dir = Unicode(
        help=(
            "Folder of shared notebook templates, read-only to researchers (env FEDOMOP_TEMPLATES_DIR); "
            "default: the templates fedomop ships."
        ),
    ).tag(config=True)

    request_timeout = Float(
        3600.0,
        help="Seconds a relayed hub request may last; long because result and event streams stay open while sites work.",
    ).tag(config=True)

    @default("hub_url")
    def _hub_url_default(self) -> str:
        return os.environ.get("FEDOMOP_HUB_URL", "")

    @default("browser_hub_url")
    def _browser_hub_url_default(self) -> str:
        return os.environ.get("FEDOMOP_BROWSER_HUB_URL", "")

    @default("default_sites")
    def _default_sites_default(self) -> list[str]:
        return _env_list("FEDOMOP_DEFAULT_SITES")

    @default("templates_dir")
    def _templates_dir_default(self) -> str:
        return os.environ.get("FEDOMOP_TEMPLATES_DIR", str(SHIPPED_TEMPLATES))

    @default("idp_issuer")
    def _idp_issuer_default(self) -> str:
        return os.environ.get("FEDOMOP_IDP_ISSUER", "")

    @default("idp_client_id")
    def _idp_client_id_default(self) -> str:
        return os.environ.get("FEDOMOP_IDP_CLIENT_ID", "")

    @default("idp_preset")
    def _idp_preset_default(self) -> str:
        return os.environ.get("FEDOMOP_IDP_PRESET", "")

    @default("idp_extra_parameters")
    def _idp_extra_parameters_default(self) -> dict[str, str]:
        raw = os.environ.get("FEDOMOP_IDP_EXTRA_PARAMS", "")
        parsed = json.loads(raw) if raw else {}
        return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}

    @default("idp_jwt_access_token")
    def _idp_jwt_access_token_default(self) -> bool:
        return os.environ.get("FEDOMOP_IDP_JWT", "") in ("1", "true", "yes")

    @default("token_file")
    def _token_file_default(self) -> str:
        return default_token_file()

    def identity_provider(self) -> dict[str, Any]:
        """The sign-in settings for the frontend: a preset fills what the explicit settings leave empty."""
        preset = IDP_PRESETS.get(self.idp_preset, {})
        return {
            "issuer": self.idp_issuer or preset.get("issuer", ""),
            "clientId": self.idp_client_id,
            "scopes": self.idp_scopes.split(),
            "extraParameters": {**preset.get("extra", {}), **self.idp_extra_parameters},
            "jwtAccessToken": self.idp_jwt_access_token or preset.get("jwt", False),
        }

    @default("idp_scopes")
    def _idp_scopes_default(self) -> str:
        return os.environ.get("FEDOMOP_IDP_SCOPES", DEFAULT_SCOPES)

    def frontend_config(self, base_url: str) -> dict[str, Any]:
        if self.relay:
            browser_url = url_path_join(base_url, "fedomop", "hub") if self.hub_url else ""
        else:
            browser_url = self.browser_hub_url or self.hub_url
        return {
            "version": __version__,
            # What the kernel (a process beside this server) uses: the same network view as the relay.
            "hubUrl": self.hub_url,
            "browserHubUrl": browser_url,
            "relay": self.relay,
            "defaultSites": list(self.default_sites),
            "identityProvider": self.identity_provider(),
        }


def _error_body(code: str, message: str, **details: Any) -> str:
    return json.dumps({"error": {**details, "code": code, "message": message}})


class ConfigHandler(APIHandler):
    def initialize(self, fedomop: Fedomop) -> None:
        self.fedomop = fedomop

    @web.authenticated
    async def get(self) -> None:
        config = self.fedomop.frontend_config(self.base_url)
        session = self.fedomop.session
        if session is not None:
            record = await session.current()
            config["session"] = (
                {"source": "jupyterhub", "user": record["user"], "groups": record["groups"]}
                | ({"expiresAt": record["expiresAt"]} if "expiresAt" in record else {})
                if record
                else {"source": "jupyterhub", "problem": session.problem}
            )
        self.finish(json.dumps(config))


class _ClientGone(Exception):
    """Raised from the streaming callback to abort the hub request once the browser has left."""


class HubRelayHandler(JupyterHandler):
    SUPPORTED_METHODS = ("GET", "POST", "DELETE")

    def initialize(self, fedomop: Fedomop) -> None:
        self.fedomop = fedomop
        self._client_gone = False
        self._started = False
        self._status: int | None = None
        self._upstream_headers = HTTPHeaders()

    @web.authenticated
    async def get(self, path: str) -> None:
        await self._relay(path)

    @web.authenticated
    async def post(self, path: str) -> None:
        await self._relay(path)

    @web.authenticated
    async def delete(self, path: str) -> None:
        await self._relay(path)

    def on_connection_close(self) -> None:
        # The browser closed the stream (the panel's Cancel, or a tab closed): stop reading the hub.
        self._client_gone = True

    def _fail(self, status: int, code: str, message: str, **details: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(_error_body(code, message, **details))

    async def _relay(self, path: str) -> None:
        hub = self.fedomop.hub_url.rstrip("/")
        if not hub:
            self._fail(
                503,
                "ERR_CONFIG_INVALID",
                "No fedomop hub is configured for this Jupyter server: set FEDOMOP_HUB_URL or c.Fedomop.hub_url.",
            )
            return
        # Tornado hands the path over percent-decoded once. A "%" left after that was encoded twice
        # (%252e%252e arrives as %2e%2e): a proxy that decodes again in front of the hub would turn
        # it into "..", so it is refused here rather than relayed; no hub path needs a "%".
        segments = path.split("/")
        if not RELAYED_PATH.match(path) or "%" in path or ".." in segments or "." in segments:
            self._fail(
                404,
                "ERR_NOT_FOUND",
                f"/{path} is not part of the hub API relayed by fedomop",
            )
            return
        url = f"{hub}/{path}"
        if self.request.query:
            url += "?" + self.request.query
        headers = {k: v for k in FORWARDED_REQUEST_HEADERS if (v := self.request.headers.get(k))}
        bearer = self.request.headers.get("X-Fedomop-Authorization")
        if bearer:
            headers["Authorization"] = bearer
        elif self.fedomop.session is not None:
            # Inside a JupyterHub: the user's own token from JupyterHub's auth state.
            record = await self.fedomop.session.current()
            if record:
                headers["Authorization"] = f"Bearer {record['token']}"
        method = self.request.method or "GET"
        request = HTTPRequest(
            url,
            method=method,
            headers=headers,
            body=(self.request.body or b"") if method == "POST" else None,
            connect_timeout=10,
            request_timeout=self.fedomop.request_timeout,
            follow_redirects=False,
            decompress_response=False,
            header_callback=self._on_header_line,
            streaming_callback=self._on_chunk,
        )
        try:
            # raise_error=False turns HTTP error statuses into responses (relayed as they are);
            # transport failures (refused, reset, timed out) still raise.
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
            failure = response.error if response.code == 599 else None
        except _ClientGone:
            return
        except Exception as err:  # noqa: BLE001 - any transport failure is answered the same way
            failure = err
        if self._client_gone:
            return
        if failure is not None:
            self.log.warning("fedomop: relaying to hub %s failed: %s", hub, failure)
            if self._started:
                # Mid-stream: cut the connection so the browser sees a broken stream, not a short one.
                self.request.connection.close()
                return
            self._fail(
                502,
                "ERR_SITE_UNREACHABLE",
                f"The fedomop hub at {hub} cannot be reached from the Jupyter server ({failure}).",
                hub=hub,
            )
            return
        if not self._started:
            self._start()
        self.finish()

    def _on_header_line(self, line: str) -> None:
        if line.startswith("HTTP/"):
            # A new status line (after e.g. 100 Continue) starts a fresh header block.
            self._status = parse_response_start_line(line.strip()).code
            self._upstream_headers = HTTPHeaders()
        elif line.strip():
            self._upstream_headers.parse_line(line)

    def _start(self) -> None:
        self._started = True
        self.set_status(self._status or 502)
        self.clear_header("Content-Type")
        for name in FORWARDED_RESPONSE_HEADERS:
            value = self._upstream_headers.get(name)
            if value:
                self.set_header(name, value)
        # Tells buffering reverse proxies in front of Jupyter (nginx) to pass the stream through too.
        self.set_header("X-Accel-Buffering", "no")
        self.set_header("Cache-Control", "no-cache, no-store")

    def _on_chunk(self, chunk: bytes) -> None:
        if self._client_gone:
            raise _ClientGone()
        if not self._started:
            self._start()
        self.write(chunk)
        # Not awaited (this callback is synchronous); the writes still go out in order. A failed
        # flush means the browser left, which on_connection_close records.
        self.flush().add_done_callback(lambda f: f.exception())


def setup_handlers(server_app: Any) -> None:
    fedomop = Fedomop(parent=server_app)
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    handlers = [
        (
            url_path_join(base_url, "fedomop", "config"),
            ConfigHandler,
            {"fedomop": fedomop},
        ),
        (
            url_path_join(base_url, "fedomop", "hub", "(.*)"),
            HubRelayHandler,
            {"fedomop": fedomop},
        ),
        (
            url_path_join(base_url, "fedomop", "templates"),
            TemplatesHandler,
            {"templates_dir": fedomop.templates_dir},
        ),
    ]
    token_file = TokenFile(fedomop.token_file)
    handlers += auth_handlers(url_path_join(base_url, "fedomop", "auth"), token_file)
    web_app.add_handlers(".*$", handlers)
    fedomop.session = JupyterHubSession.from_environment(token_file)
    if fedomop.session is not None:
        # Kernels read the token file: keep it current even while no browser asks the relay.
        refresh = PeriodicCallback(fedomop.session.current, fedomop.session.refresh_s * 1000)
        refresh.start()
        IOLoop.current().add_callback(fedomop.session.current)
        server_app.log.info("fedomop: access tokens from JupyterHub's auth state for %s", fedomop.session.user)
    # Kernels this server starts inherit its environment: that is how they find the token file.
    os.environ["FEDOMOP_TOKEN_FILE"] = str(TokenFile(fedomop.token_file).path)
    where = fedomop.hub_url or "nowhere yet (set FEDOMOP_HUB_URL)"
    server_app.log.info("fedomop %s: relaying %sfedomop/hub/ to %s", __version__, base_url, where)
