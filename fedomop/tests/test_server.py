"""The server extension against a fake hub: runtime config, and the relay (headers, bodies, errors,
streaming without buffering)."""

import asyncio
import json

import pytest


async def test_config_names_the_relay_and_the_hub(jp_fetch, fake_hub, jp_base_url):
    response = await jp_fetch("fedomop", "config")
    body = json.loads(response.body)
    assert body["hubUrl"] == fake_hub.url
    assert body["relay"] is True
    assert body["browserHubUrl"] == jp_base_url + "fedomop/hub"
    assert body["identityProvider"]["scopes"] == [
        "openid",
        "profile",
        "email",
        "eduperson_entitlement",
    ]


async def test_relay_passes_the_hub_token_but_never_jupyter_credentials(jp_fetch, fake_hub):
    response = await jp_fetch(
        "fedomop",
        "hub",
        "v1",
        "sites",
        headers={"X-Fedomop-Authorization": "Bearer hub-token", "Cookie": "secret=1"},
    )
    assert json.loads(response.body)["sites"][0]["id"] == "north"
    seen = fake_hub.requests[-1]["headers"]
    assert seen["Authorization"] == "Bearer hub-token"
    assert "Cookie" not in seen
    assert "X-Fedomop-Authorization" not in seen


async def test_relay_passes_bodies_statuses_and_error_bodies(jp_fetch, fake_hub):
    ok = await jp_fetch("fedomop", "hub", "v1", "queries", method="POST", body=json.dumps({"plan": {}}))
    assert ok.code == 202
    assert json.loads(ok.body)["id"] == "q1"
    refused = await jp_fetch("fedomop", "hub", "v1", "queries", method="POST", body="{}", raise_error=False)
    assert refused.code == 400
    assert json.loads(refused.body)["error"]["code"] == "ERR_PLAN_INVALID"
    deleted = await jp_fetch("fedomop", "hub", "v1", "queries", "q1", method="DELETE")
    assert json.loads(deleted.body)["state"] == "cancelled"


async def test_relay_refuses_paths_outside_the_hub_api(jp_fetch):
    response = await jp_fetch("fedomop", "hub", "admin", raise_error=False)
    assert response.code == 404
    assert json.loads(response.body)["error"]["code"] == "ERR_NOT_FOUND"


@pytest.mark.parametrize(
    "path",
    [
        "v1/%252e%252e/admin",  # double-encoded "..": decoded once it is still "%2e%2e"
        "v1/%252E%252E/%252E%252E/admin",
        "v1/queries/%252e%252e%252fadmin",
        "v1/%2e%2e/admin",  # single-encoded: ".." after one decoding
        "v1/./queries",
        "v1/%25",
    ],
)
async def test_relay_refuses_encoded_traversal_and_never_reaches_the_hub(jp_fetch, fake_hub, path):
    response = await jp_fetch("fedomop", "hub", path, raise_error=False)
    assert response.code == 404, path
    assert json.loads(response.body)["error"]["code"] == "ERR_NOT_FOUND"
    assert fake_hub.requests == [], f"{path} reached the hub as {fake_hub.requests}"


async def test_relay_streams_each_chunk_as_the_hub_writes_it(jp_fetch, fake_hub):
    loop = asyncio.get_running_loop()
    arrivals: list[tuple[float, bytes]] = []
    response = await jp_fetch(
        "fedomop",
        "hub",
        "v1",
        "queries",
        "q1",
        "events",
        streaming_callback=lambda c: arrivals.append((loop.time(), c)),
    )
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    first_at = next(t for t, c in arrivals if b"running" in c)
    assert fake_hub.second_chunk_at is not None
    assert first_at < fake_hub.second_chunk_at, "the first event waited for the second: the relay buffers"
    assert b"event: done" in b"".join(c for _, c in arrivals)
