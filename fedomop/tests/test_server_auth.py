"""The server extension's sign-in part against a real Jupyter server: the popup's callback page and its
scripts, and the access token handed to kernels (PUT/DELETE fedomop/auth/token) in a 0600 file that the
Python client then reads with nothing pasted."""

import json
import os
import stat
import time

import pytest
from tornado.httpclient import HTTPClientError

from fedomop.config import Connection, read_token_file


@pytest.fixture
def token_file(tmp_path):
    return tmp_path / "home" / ".fedomop" / "token"


@pytest.fixture
def jp_server_config(fake_hub, token_file):
    return {
        "ServerApp": {"jpserver_extensions": {"fedomop": True}},
        "Fedomop": {
            "hub_url": fake_hub.url,
            "token_file": str(token_file),
            "idp_issuer": "http://127.0.0.1:8090",
            "idp_client_id": "fedomop-lab",
            "idp_jwt_access_token": True,
            "idp_extra_parameters": {"claims_in_tokens": "token"},
        },
    }


async def put_token(jp_fetch, body, **kwargs):
    return await jp_fetch("fedomop", "auth", "token", method="PUT", body=json.dumps(body), **kwargs)


async def test_config_carries_the_identity_provider(jp_fetch):
    body = json.loads((await jp_fetch("fedomop", "config")).body)
    assert body["identityProvider"] == {
        "issuer": "http://127.0.0.1:8090",
        "clientId": "fedomop-lab",
        "scopes": ["openid", "profile", "email", "eduperson_entitlement"],
        "extraParameters": {"claims_in_tokens": "token"},
        "jwtAccessToken": True,
    }


async def test_a_token_put_reaches_a_0600_file_that_the_python_client_reads(jp_fetch, token_file, monkeypatch):
    expires = int(time.time()) + 3600
    response = await put_token(jp_fetch, {"accessToken": "tok-1", "expiresAt": expires, "user": "alice"})
    assert response.code == 204
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    saved = json.loads(token_file.read_text())
    assert saved["token"] == "tok-1" and saved["expiresAt"] == expires and saved["user"] == "alice"
    # Kernels started by this server find the file through the environment it set.
    assert os.environ["FEDOMOP_TOKEN_FILE"] == str(token_file)
    monkeypatch.delenv("FEDOMOP_TOKEN", raising=False)
    monkeypatch.setenv("FEDOMOP_CONFIG", str(token_file.parent / "absent.json"))
    connection = Connection(hub="http://hub", hub_source="test", explicit_token=None)
    assert connection.token() == "tok-1"
    # A renewal replaces it; the next request of a running kernel sends the new one.
    await put_token(jp_fetch, {"accessToken": "tok-2", "expiresAt": expires})
    assert connection.token() == "tok-2"
    # FEDOMOP_TOKEN still wins, for headless runs.
    monkeypatch.setenv("FEDOMOP_TOKEN", "from-env")
    assert connection.token() == "from-env"


async def test_delete_forgets_the_token(jp_fetch, token_file):
    await put_token(jp_fetch, {"accessToken": "tok-1"})
    assert token_file.exists()
    response = await jp_fetch("fedomop", "auth", "token", method="DELETE")
    assert response.code == 204
    assert not token_file.exists()
    # Signing out twice is fine.
    assert (await jp_fetch("fedomop", "auth", "token", method="DELETE")).code == 204


@pytest.mark.parametrize(
    "body, why",
    [
        ("not json", "not JSON"),
        ([], "JSON object"),
        ({}, "accessToken"),
        ({"accessToken": ""}, "accessToken"),
        ({"accessToken": "a b"}, "accessToken"),
        ({"accessToken": "t", "expiresAt": "soon"}, "expiresAt"),
        ({"accessToken": "t", "user": 3}, '"user"'),
        ({"accessToken": "x" * 20000}, "larger than"),
    ],
)
async def test_bad_token_bodies_are_refused_with_a_specific_error(jp_fetch, token_file, body, why):
    raw = body if isinstance(body, str) else json.dumps(body)
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("fedomop", "auth", "token", method="PUT", body=raw)
    assert err.value.code == 400
    error = json.loads(err.value.response.body)["error"]
    assert error["code"] == "ERR_BAD_REQUEST"
    assert why in error["message"]
    assert not token_file.exists()


async def test_the_token_endpoint_needs_the_jupyter_login(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await put_token(jp_fetch, {"accessToken": "t"}, headers={"Authorization": "token wrong"})
    assert err.value.code in (401, 403)


async def test_the_token_endpoint_refuses_a_cookie_login_without_the_xsrf_token(
    jp_fetch, jp_http_port, jp_base_url, jp_auth_header, token_file
):
    from tornado.httpclient import AsyncHTTPClient

    base = f"http://127.0.0.1:{jp_http_port}{jp_base_url}"
    client = AsyncHTTPClient()
    # A browser-style login: the Jupyter token in the query once gives a login cookie.
    token = jp_auth_header["Authorization"].split(" ", 1)[1]
    first = await client.fetch(f"{base}api/status?token={token}")
    cookies = "; ".join(c.split(";", 1)[0] for c in first.headers.get_list("Set-Cookie"))
    assert cookies
    put = await client.fetch(
        f"{base}fedomop/auth/token",
        method="PUT",
        body=json.dumps({"accessToken": "t"}),
        headers={"Cookie": cookies},
        raise_error=False,
    )
    assert put.code == 403
    assert b"XSRF" in put.body or b"xsrf" in put.body
    assert not token_file.exists()


async def test_the_callback_page_and_its_scripts_are_served_without_login(jp_fetch, jp_http_port, jp_base_url):
    from tornado.httpclient import AsyncHTTPClient

    base = f"http://127.0.0.1:{jp_http_port}{jp_base_url}fedomop/auth/"
    client = AsyncHTTPClient()
    page = await client.fetch(base + "callback?code=c&state=s")
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.body.decode()
    assert '<script src="oidc-client-ts.min.js">' in html and '<script src="callback.js">' in html
    script = await client.fetch(base + "callback.js")
    assert b"signinPopupCallback" in script.body
    library = await client.fetch(base + "oidc-client-ts.min.js", raise_error=False)
    # Built by scripts/build-lab.sh; the page says so itself when it is missing.
    assert library.code == 200, "run scripts/build-lab.sh: it copies oidc-client-ts's browser build here"
    assert b"UserManager" in library.body


def test_read_token_file_ignores_an_expired_or_broken_file(tmp_path):
    path = tmp_path / "token"
    assert read_token_file(path) is None
    path.write_text(json.dumps({"token": "old", "expiresAt": 100}))
    assert read_token_file(path, now=101) is None
    assert read_token_file(path, now=99) == "old"
    path.write_text("{")
    assert read_token_file(path) is None
    path.write_text(json.dumps({"token": ""}))
    assert read_token_file(path) is None
