"""The error every fedomop call raises: a stable ``code`` to branch on (the same codes the hub and sites
send, docs/errors.md), a message for people, and the details the server gave (e.g. a bad plan's
``problems``, each with its JSON path)."""

from __future__ import annotations

from typing import Any

# What an HTTP status means when the body carries no error of its own (as src/client/http.ts).
_STATUS_CODES = {
    400: "ERR_BAD_REQUEST",
    401: "ERR_TOKEN_INVALID",
    403: "ERR_NOT_ENTITLED",
    404: "ERR_NOT_FOUND",
    413: "ERR_PLAN_TOO_LARGE",
    422: "ERR_DISCLOSURE_REFUSED",
    429: "ERR_RATE_LIMITED",
}


class FedomopError(Exception):
    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details

    @property
    def problems(self) -> list[dict[str, str]]:
        """For a bad plan: every problem the validator found, each with its ``path`` and ``message``."""
        return list(self.details.get("problems", []))


def error_from_body(status: int, body: bytes) -> FedomopError:
    """A hub error body keeps its code; anything else is named by the HTTP status."""
    import json

    fallback = _STATUS_CODES.get(status, "ERR_SITE_ERROR" if status >= 500 else "ERR_BAD_REQUEST")
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        details = {k: v for k, v in error.items() if k not in ("code", "message")}
        return FedomopError(str(error.get("code") or fallback), error["message"], **details)
    text = body[:200].decode("utf-8", "replace")
    return FedomopError(fallback, f"hub answered HTTP {status}: {text}", http_status=status)
