"""The relay when the hub does not answer: a 502 in the hub API's error shape, naming the hub."""

import json

import pytest


@pytest.fixture
def jp_server_config():
    # Port 9 (discard) has no listener here: connection refused.
    return {
        "ServerApp": {"jpserver_extensions": {"fedomop": True}},
        "Fedomop": {"hub_url": "http://127.0.0.1:9"},
    }


async def test_an_unreachable_hub_is_a_502_naming_it(jp_fetch):
    response = await jp_fetch("fedomop", "hub", "v1", "sites", raise_error=False)
    assert response.code == 502
    error = json.loads(response.body)["error"]
    assert error["code"] == "ERR_SITE_UNREACHABLE"
    assert "http://127.0.0.1:9" in error["message"]


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {"jpserver_extensions": {"fedomop": True}},
            "Fedomop": {"hub_url": ""},
        }
    ],
)
async def test_no_hub_configured_is_a_503_saying_how_to_set_one(jp_fetch, jp_server_config):
    response = await jp_fetch("fedomop", "hub", "v1", "sites", raise_error=False)
    assert response.code == 503
    assert "FEDOMOP_HUB_URL" in json.loads(response.body)["error"]["message"]
    config = json.loads((await jp_fetch("fedomop", "config")).body)
    assert config["browserHubUrl"] == ""
