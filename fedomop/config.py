"""Where a Python notebook's ``connect()`` finds its hub and token.

The same order as the TypeScript kernel library (src/kernel/config.ts), so one setup serves both
kinds of notebook: the arguments, then the environment (``FEDOMOP_HUB_URL``, ``FEDOMOP_TOKEN``), then a
JSON file (``$FEDOMOP_CONFIG``, else ``~/.fedomop/config.json``: ``{"hub": "...", "token": "..."}``).

A token has one more place, between the environment and the config file: the file JupyterLab's sign-in
keeps current (``$FEDOMOP_TOKEN_FILE``, else ``~/.fedomop/token``; written by the server extension,
fedomop/server_auth.py), ignored once the expiry it records has passed.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .errors import FedomopError


def config_path() -> Path:
    return Path(os.environ.get("FEDOMOP_CONFIG") or Path.home() / ".fedomop" / "config.json")


def read_file_config(path: Path | None = None) -> dict[str, str] | None:
    """The config file, or None when it does not exist; a file named by FEDOMOP_CONFIG must exist."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        if not os.environ.get("FEDOMOP_CONFIG"):
            return None
        raise FedomopError("ERR_CONFIG_INVALID", f"cannot read fedomop config {path}", path=str(path)) from err
    except OSError as err:
        raise FedomopError("ERR_CONFIG_INVALID", f"cannot read fedomop config {path}", path=str(path)) from err
    try:
        parsed = json.loads(text)
    except ValueError as err:
        raise FedomopError("ERR_CONFIG_INVALID", f"fedomop config {path} is not valid JSON", path=str(path)) from err
    if not isinstance(parsed, dict):
        parsed = {}
    hub, token = parsed.get("hub"), parsed.get("token")
    if (hub is not None and not isinstance(hub, str)) or (token is not None and not isinstance(token, str)):
        raise FedomopError(
            "ERR_CONFIG_INVALID", f'fedomop config {path}: "hub" and "token" must be strings', path=str(path)
        )
    return {k: v for k, v in (("hub", hub), ("token", token)) if v is not None}


def token_file_path() -> Path:
    return Path(os.environ.get("FEDOMOP_TOKEN_FILE") or Path.home() / ".fedomop" / "token")


def read_token_file(path: Path | None = None, now: float | None = None) -> str | None:
    """The token JupyterLab's sign-in handed to this user's kernels, unless missing, unreadable or expired."""
    try:
        parsed = json.loads((path or token_file_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("token"), str) or not parsed["token"]:
        return None
    expires_at = parsed.get("expiresAt")
    if isinstance(expires_at, (int, float)) and expires_at <= (time.time() if now is None else now):
        return None
    return parsed["token"]


@dataclass(frozen=True)
class Connection:
    hub: str
    hub_source: str
    explicit_token: str | None

    def token(self) -> str | None:
        """Read before every request, so a token refreshed in the environment or the file is picked up."""
        if self.explicit_token:
            return self.explicit_token
        if os.environ.get("FEDOMOP_TOKEN"):
            return os.environ["FEDOMOP_TOKEN"]
        return read_token_file() or (read_file_config() or {}).get("token")


def resolve_connection(hub: str | None = None, token: str | None = None) -> Connection:
    path = config_path()
    file = read_file_config(path)
    if hub:
        source = "arguments"
    elif os.environ.get("FEDOMOP_HUB_URL"):
        hub, source = os.environ["FEDOMOP_HUB_URL"], "FEDOMOP_HUB_URL"
    else:
        hub, source = (file or {}).get("hub"), str(path)
    if not hub:
        raise FedomopError(
            "ERR_CONFIG_INVALID",
            'no fedomop hub configured. Give one of: connect(hub="https://..."); the environment variable '
            f'FEDOMOP_HUB_URL; or a config file {path} containing {{"hub": "https://...", "token": "..."}} '
            "(set FEDOMOP_CONFIG to use another file).",
        )
    parsed = urlparse(hub)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FedomopError("ERR_CONFIG_INVALID", f'hub URL "{hub}" (from {source}) is not an http(s) URL')
    return Connection(hub=hub.rstrip("/"), hub_source=source, explicit_token=token)
