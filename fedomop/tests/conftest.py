import asyncio
import json

import pytest
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

pytest_plugins = ["pytest_jupyter.jupyter_server"]


class FakeHub:
    """A stand-in for the hub's HTTP API: records what reaches it, answers canned bodies."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.second_chunk_at: float | None = None


def _handler(hub: FakeHub) -> type[web.RequestHandler]:
    class Handler(web.RequestHandler):
        def record(self) -> None:
            hub.requests.append(
                {
                    "method": self.request.method,
                    "path": self.request.uri,
                    "headers": dict(self.request.headers),
                    "body": self.request.body,
                }
            )

        async def get(self, path: str) -> None:
            self.record()
            if path == "v1/sites":
                self.finish({"sites": [{"id": "north", "url": "http://north", "status": "up"}]})
            elif path == "v1/queries/q1/events":
                # Two events apart in time: the relay must deliver the first before the second exists.
                self.set_header("Content-Type", "text/event-stream")
                self.write('event: site\ndata: {"site":"north","state":"running"}\n\n')
                await self.flush()
                await asyncio.sleep(0.4)
                hub.second_chunk_at = asyncio.get_running_loop().time()
                self.write('event: done\ndata: {"id":"q1"}\n\n')
                self.finish()
            else:
                self.set_status(404)
                self.finish({"error": {"code": "ERR_NOT_FOUND", "message": f"no {path}"}})

        def post(self, path: str) -> None:
            self.record()
            body = json.loads(self.request.body)
            if "plan" not in body:
                self.set_status(400)
                self.finish(
                    {
                        "error": {
                            "code": "ERR_PLAN_INVALID",
                            "message": "plan is required",
                        }
                    }
                )
                return
            self.set_status(202)
            self.finish({"id": "q1", "planHash": "h", "sites": ["north"]})

        def delete(self, path: str) -> None:
            self.record()
            self.finish({"id": "q1", "state": "cancelled", "sites": {}})

    return Handler


@pytest.fixture
def fake_hub(jp_asyncio_loop):
    hub = FakeHub()
    sock, port = bind_unused_port()
    server = HTTPServer(web.Application([(r"/(.*)", _handler(hub))]))
    server.add_sockets([sock])
    hub.url = f"http://127.0.0.1:{port}"
    yield hub
    server.stop()


@pytest.fixture
def jp_server_config(fake_hub):
    return {
        "ServerApp": {"jpserver_extensions": {"fedomop": True}},
        "Fedomop": {"hub_url": fake_hub.url},
    }
