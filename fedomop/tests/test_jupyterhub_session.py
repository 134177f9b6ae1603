"""Reading the access token from a JupyterHub user model (what GenericOAuthenticator keeps in auth
state), and the session against a small stand-in for JupyterHub's users API: only the server's own
token is sent, the token file is written for kernels, and a missing auth state is said in words. The
whole path with a real JupyterHub runs in the JupyterHub UI test (ui-tests/jupyterhub/)."""

from __future__ import annotations

import base64
import json

import pytest
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from fedomop.jupyterhub_session import JupyterHubSession, record_from_user_model
from fedomop.server_auth import TokenFile


def _jwt(claims: dict) -> str:
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256', 'typ': 'at+jwt'})}.{part(claims)}.c2ln"


def test_the_record_holds_token_user_groups_and_a_jwts_expiry():
    groups = ["urn:geant:helmholtz.de:group:fedomop:north#login.helmholtz.de"]
    model = {
        "name": "bob",
        "groups": ["ignored when the IdP's claim is there"],
        "auth_state": {"access_token": _jwt({"exp": 1900000000}), "oauth_user": {"eduperson_entitlement": groups}},
    }
    record = record_from_user_model(model)
    assert record == {
        "token": model["auth_state"]["access_token"],
        "user": "bob",
        "groups": groups,
        "expiresAt": 1900000000,
    }
    opaque = record_from_user_model({"name": "bob", "groups": ["g"], "auth_state": {"access_token": "opaque"}})
    assert opaque == {"token": "opaque", "user": "bob", "groups": ["g"]}
    assert record_from_user_model({"name": "bob", "auth_state": None}) is None
    assert record_from_user_model({"name": "bob"}) is None


@pytest.fixture
def users_api(jp_asyncio_loop):
    seen: list[dict] = []
    state = {"auth_state": {"access_token": "tok-1", "oauth_user": {"eduperson_entitlement": ["g1"]}}}

    class Users(web.RequestHandler):
        def get(self, name: str) -> None:
            seen.append({"name": name, "authorization": self.request.headers.get("Authorization")})
            if self.request.headers.get("Authorization") != "token server-token":
                self.set_status(403)
                self.finish({"message": "no"})
                return
            self.finish({"name": name, "groups": [], **state})

    sock, port = bind_unused_port()
    server = HTTPServer(web.Application([(r"/hub/api/users/([^/]+)", Users)]))
    server.add_sockets([sock])
    yield {"url": f"http://127.0.0.1:{port}/hub/api", "seen": seen, "state": state}
    server.stop()


async def test_the_session_reads_with_the_servers_token_caches_and_writes_the_token_file(users_api, tmp_path):
    file = TokenFile(str(tmp_path / "token"))
    session = JupyterHubSession(users_api["url"], "server-token", "alice", file, refresh_s=60)
    record = await session.current()
    assert record == {"token": "tok-1", "user": "alice", "groups": ["g1"]}
    assert users_api["seen"] == [{"name": "alice", "authorization": "token server-token"}]
    assert json.loads((tmp_path / "token").read_text())["token"] == "tok-1"
    assert (tmp_path / "token").stat().st_mode & 0o777 == 0o600

    users_api["state"]["auth_state"]["access_token"] = "tok-2"
    assert (await session.current())["token"] == "tok-1"  # cached within refresh_s
    session.refresh_s = 0
    assert (await session.current())["token"] == "tok-2"
    assert json.loads((tmp_path / "token").read_text())["token"] == "tok-2"

    users_api["state"]["auth_state"] = None
    assert await session.current() is None
    assert "auth state" in session.problem

    wrong = JupyterHubSession(users_api["url"], "someone-elses", "alice", file)
    assert await wrong.current() is None and "403" in wrong.problem
