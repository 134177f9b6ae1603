"""Sign-in support in the Jupyter server: the OIDC callback page, and the access token for kernels.

``GET    {base_url}fedomop/auth/callback``   the page the identity provider redirects the sign-in popup to:
                                            it hands the authorization response to the lab (the popup's
                                            opener, same origin) with oidc-client-ts and closes. Static,
                                            holds no secret, works without the lab bundle.
``PUT    {base_url}fedomop/auth/token``      the frontend's current access token (JSON ``{accessToken,
                                            expiresAt?, issuer?, user?}``), on every sign-in and renewal;
``DELETE {base_url}fedomop/auth/token``      forgets it (sign-out, expiry). Jupyter API handlers: the
                                            user's Jupyter login and, from a browser, the XSRF token.

The token goes to a file only this user can read (``~/.fedomop/token``, mode 0600, written atomically),
whose path the server puts in ``FEDOMOP_TOKEN_FILE`` for the kernels it starts; the Python client
(fedomop/config.py) and the TypeScript one (src/kernel/config.ts) read it before every request, so a
renewal reaches a running kernel. ``FEDOMOP_TOKEN`` still wins for headless runs.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from tornado import web

try:
    from jupyter_server.auth.decorator import allow_unauthenticated
except ImportError:  # jupyter_server < 2.13 allows unauthenticated handlers without it

    def allow_unauthenticated(method):  # type: ignore[no-redef]
        return method


STATIC_DIR = Path(__file__).parent / "static"
# A JWT with a few dozen entitlements stays well below this; anything larger is not a token.
MAX_TOKEN_BYTES = 16 * 1024

CALLBACK_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>fedomop sign-in</title>
</head>
<body>
<p id="fedomop-callback-status">Completing sign-in&hellip;</p>
<script src="oidc-client-ts.min.js"></script>
<script src="callback.js"></script>
</body>
</html>
"""


def default_token_file() -> str:
    return os.environ.get("FEDOMOP_TOKEN_FILE") or str(Path.home() / ".fedomop" / "token")


class TokenFile:
    """The access token where only this user (and so only this user's kernels) can read it."""

    def __init__(self, path: str) -> None:
        self.path = Path(path).expanduser()

    def write(self, record: dict[str, Any]) -> None:
        directory = self.path.parent
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Created 0600 before a byte is written, then renamed over the old one: a kernel reading at the
        # same moment sees the old token or the new one, never half of either.
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".token-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self) -> bool:
        try:
            self.path.unlink()
            return True
        except FileNotFoundError:
            return False


def _error(handler: web.RequestHandler, status: int, code: str, message: str) -> None:
    handler.set_status(status)
    handler.set_header("Content-Type", "application/json")
    handler.finish(json.dumps({"error": {"code": code, "message": message}}))


def parse_token_record(body: bytes) -> dict[str, Any] | str:
    """The record to keep, or why the body is not one (in words)."""
    if len(body) > MAX_TOKEN_BYTES:
        return f"the body is larger than {MAX_TOKEN_BYTES} bytes"
    try:
        parsed = json.loads(body or b"null")
    except ValueError:
        return "the body is not JSON"
    if not isinstance(parsed, dict):
        return "the body must be a JSON object"
    token = parsed.get("accessToken")
    if not isinstance(token, str) or not token.strip() or any(c.isspace() for c in token):
        return '"accessToken" must be a non-empty string without spaces'
    expires_at = parsed.get("expiresAt")
    if expires_at is not None and (not isinstance(expires_at, (int, float)) or isinstance(expires_at, bool)):
        return '"expiresAt" must be a number (seconds since the epoch)'
    record: dict[str, Any] = {"token": token, "savedAt": int(time.time())}
    if expires_at is not None:
        record["expiresAt"] = expires_at
    for key in ("issuer", "user"):
        value = parsed.get(key)
        if value is not None and not isinstance(value, str):
            return f'"{key}" must be a string'
        if value:
            record[key] = value
    return record


class TokenHandler(APIHandler):
    def initialize(self, token_file: TokenFile) -> None:
        self.token_file = token_file

    @web.authenticated
    def put(self) -> None:
        record = parse_token_record(self.request.body)
        if isinstance(record, str):
            _error(self, 400, "ERR_BAD_REQUEST", f"fedomop/auth/token: {record}")
            return
        self.token_file.write(record)
        self.log.info("fedomop: access token of %s handed to kernels", record.get("user", "the signed-in user"))
        self.set_status(204)
        self.finish()

    @web.authenticated
    def delete(self) -> None:
        self.token_file.delete()
        self.set_status(204)
        self.finish()


class CallbackHandler(JupyterHandler):
    """No login required: the page holds nothing secret, and a login redirect would lose the code."""

    @allow_unauthenticated
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        # The authorization code is in this page's URL: it must not leave in a Referer header.
        self.set_header("Referrer-Policy", "no-referrer")
        self.finish(CALLBACK_PAGE)


class CallbackAssetHandler(web.StaticFileHandler):
    @allow_unauthenticated
    def get(self, path: str, include_body: bool = True):  # type: ignore[override]
        return super().get(path, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")


def auth_handlers(base: str, token_file: TokenFile) -> list[tuple[str, Any, dict[str, Any]]]:
    """The routes above, for setup_handlers; ``base`` is ``{base_url}fedomop/auth``."""
    return [
        (f"{base}/callback", CallbackHandler, {}),
        (f"{base}/(callback\\.js|oidc-client-ts\\.min\\.js)", CallbackAssetHandler, {"path": str(STATIC_DIR)}),
        (f"{base}/token", TokenHandler, {"token_file": token_file}),
    ]
