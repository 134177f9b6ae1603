"""Inside a JupyterHub that signed the researcher in with Helmholtz AAI, the access token comes from
JupyterHub's auth state: no second sign-in in the lab.

The single-user server holds an API token of its user's (``JUPYTERHUB_API_TOKEN``); with the
``admin:auth_state!user`` scope on the user and server roles (deploy/jupyterhub/values.yaml) it may
read that user's — and only that user's — auth state: ``GET $JUPYTERHUB_API_URL/users/$JUPYTERHUB_USER``.
GenericOAuthenticator keeps the access and refresh tokens there and renews them (``auth_refresh_age``:
it checks the token at userinfo and uses the refresh token when that fails) whenever JupyterHub
authenticates a request for that user — this one included.

What is read is cached for ``refresh_s`` and re-read sooner when a JWT is about to expire; each new
token goes to the kernels' token file (fedomop/server_auth.py), and the relay puts it on every hub
request the browser did not sign itself.
"""

from __future__ import annotations

import base64
import json
import os
import time
from typing import Any
from urllib.parse import quote

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from .server_auth import TokenFile


class JupyterHubSession:
    def __init__(self, api_url: str, api_token: str, user: str, token_file: TokenFile, refresh_s: float = 60) -> None:
        self.api_url = api_url.rstrip("/")
        self.api_token = api_token
        self.user = user
        self.token_file = token_file
        self.refresh_s = refresh_s
        self._record: dict[str, Any] | None = None
        self._read_at = 0.0
        self.problem: str | None = None

    @classmethod
    def from_environment(cls, token_file: TokenFile) -> JupyterHubSession | None:
        """The session of the user this server was spawned for; None outside a JupyterHub."""
        api_url = os.environ.get("JUPYTERHUB_API_URL")
        api_token = os.environ.get("JUPYTERHUB_API_TOKEN")
        user = os.environ.get("JUPYTERHUB_USER")
        if not (api_url and api_token and user):
            return None
        return cls(api_url, api_token, user, token_file)

    def _fresh(self, now: float) -> bool:
        if self._record is None or now - self._read_at > self.refresh_s:
            return False
        expires = self._record.get("expiresAt")
        return expires is None or expires - now > 30

    async def current(self) -> dict[str, Any] | None:
        """``{token, user, groups, expiresAt?}`` from the auth state, or None (``problem`` says why)."""
        now = time.time()
        if self._fresh(now):
            return self._record
        request = HTTPRequest(
            f"{self.api_url}/users/{quote(self.user, safe='')}",
            headers={"Authorization": f"token {self.api_token}", "Accept": "application/json"},
            request_timeout=10,
        )
        try:
            response = await AsyncHTTPClient().fetch(request, raise_error=False)
        except Exception as err:  # noqa: BLE001 - an unreachable JupyterHub is reported, not raised
            self.problem = f"JupyterHub did not answer: {err}"
            return None
        if response.code != 200:
            self.problem = f"JupyterHub answered {response.code} for this user's auth state"
            return None
        record = record_from_user_model(json.loads(response.body))
        if record is None:
            self.problem = (
                "JupyterHub keeps no access token for this user: enable auth state and grant "
                "admin:auth_state!user to the user and server roles (docs/deployment.md)"
            )
            return None
        self.problem = None
        if self._record is None or record["token"] != self._record["token"]:
            self.token_file.write({**record, "savedAt": int(now)})
        self._record, self._read_at = record, now
        return record


def record_from_user_model(model: dict[str, Any]) -> dict[str, Any] | None:
    """The token record in a JupyterHub user model whose auth state GenericOAuthenticator wrote."""
    state = model.get("auth_state") or {}
    token = state.get("access_token")
    if not isinstance(token, str) or not token:
        return None
    user_info = state.get("oauth_user") or {}
    groups = user_info.get("eduperson_entitlement") or model.get("groups") or []
    record: dict[str, Any] = {"token": token, "user": model.get("name", ""), "groups": list(groups)}
    expires = _jwt_expiry(token)
    if expires is not None:
        record["expiresAt"] = expires
    return record


def _jwt_expiry(token: str) -> int | None:
    """``exp`` of a JWT access token, read without verifying (only to know when to re-read; the sites
    verify). Opaque tokens have none: then the auth state is re-read every ``refresh_s``."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        exp = json.loads(base64.urlsafe_b64decode(padded)).get("exp")
    except (ValueError, AttributeError):
        return None
    return int(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None
