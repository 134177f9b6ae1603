"""A real multi-user JupyterHub on this machine, configured exactly as the researchers' JupyterHub in
Kubernetes: the authenticator and roles come from ``deploy/jupyterhub/values.yaml`` (the z2jh values),
and only what must differ on loopback is replaced — the identity provider's endpoints (the dev IdP's,
from its discovery document instead of Helmholtz AAI's), the client, the callback URL and the allowed
groups. Single-user servers are local processes of this machine's JupyterLab with fedomop installed.

Started by ``scripts/hub-demo.sh`` and by the JupyterHub test, through environment variables:

    FEDOMOP_JH_PORT            JupyterHub's public port (configurable-http-proxy listens there)
    FEDOMOP_JH_STATE           a writable folder: the hub's database, cookie secret, users' homes
    FEDOMOP_IDP_ISSUER         the dev IdP's issuer URL
    FEDOMOP_JH_CLIENT_ID / FEDOMOP_JH_CLIENT_SECRET   the hub's confidential client at the IdP
    FEDOMOP_JH_ALLOWED_GROUPS  comma-separated entitlements that may get a server
    FEDOMOP_HUB_URL            the fedomop hub, for the single-user servers' relay and kernels
    JUPYTERHUB_CRYPT_KEY       the key auth state is encrypted with (required for auth state)
"""

import json
import os
import sys
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
VALUES = HERE.parent / "values.yaml"
VENV_BIN = Path(sys.executable).parent
REPO = HERE.parents[2]

# The keys of values.yaml that name where things are; everything else is taken as it stands.
LOCAL_KEYS = (
    "client_id",
    "client_secret",
    "oauth_callback_url",
    "authorize_url",
    "token_url",
    "userdata_url",
    "allowed_groups",
)


def values_config() -> tuple[dict, dict]:
    """``hub.config`` and ``hub.loadRoles`` of the z2jh values."""
    values = yaml.safe_load(VALUES.read_text())
    return values["hub"]["config"], values["hub"].get("loadRoles", {})


def local_overrides(port: int, issuer: str) -> dict:
    with urllib.request.urlopen(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=10) as r:
        discovery = json.load(r)
    return {
        "client_id": os.environ["FEDOMOP_JH_CLIENT_ID"],
        "client_secret": os.environ["FEDOMOP_JH_CLIENT_SECRET"],
        "oauth_callback_url": f"http://127.0.0.1:{port}/hub/oauth_callback",
        "authorize_url": discovery["authorization_endpoint"],
        "token_url": discovery["token_endpoint"],
        "userdata_url": discovery["userinfo_endpoint"],
        "allowed_groups": [g for g in os.environ["FEDOMOP_JH_ALLOWED_GROUPS"].split(",") if g],
    }


def apply(c) -> dict:
    """Sets ``c`` from values.yaml plus the loopback overrides; returns what was set, for the test."""
    port = int(os.environ.get("FEDOMOP_JH_PORT", "8000"))
    state = Path(os.environ["FEDOMOP_JH_STATE"])
    state.mkdir(parents=True, exist_ok=True)
    config, roles = values_config()
    config["GenericOAuthenticator"].update(local_overrides(port, os.environ["FEDOMOP_IDP_ISSUER"]))
    for section, settings in config.items():
        for key, value in settings.items():
            # z2jh names the authenticator by its entry point; so does JupyterHub.
            setattr(getattr(c, section), key, set(value) if key == "allowed_groups" else value)
    c.JupyterHub.load_roles = [{"name": name, **spec} for name, spec in roles.items()]

    c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = int(os.environ.get("FEDOMOP_JH_API_PORT", str(port + 1)))
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
    c.ConfigurableHTTPProxy.command = [str(REPO / "node_modules" / ".bin" / "configurable-http-proxy")]
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True

    # Servers run as this machine's user (no system accounts per researcher here), each in its own home.
    c.JupyterHub.spawner_class = "simple"
    c.Spawner.home_dir_template = str(state / "homes" / "{username}")
    c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.http_timeout = 120
    c.Spawner.start_timeout = 120
    c.Spawner.environment = {
        "FEDOMOP_HUB_URL": os.environ.get("FEDOMOP_HUB_URL", ""),
        "FEDOMOP_IDP_ISSUER": os.environ["FEDOMOP_IDP_ISSUER"],
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
    }
    if os.environ.get("FEDOMOP_TEMPLATES_DIR"):
        c.Spawner.environment["FEDOMOP_TEMPLATES_DIR"] = os.environ["FEDOMOP_TEMPLATES_DIR"]
    c.Spawner.args = ["--allow-root"] if os.getuid() == 0 else []
    if os.environ.get("FEDOMOP_JH_EXPOSE_APP") == "1":
        # For the UI test only: lets it run notebook commands as a person would from the menu.
        c.Spawner.args.append("--LabApp.expose_app_in_browser=True")
    return {"config": config, "roles": roles}


applied = apply(c)  # noqa: F821 (c is the config object JupyterHub provides)
# What ran, for the test that compares it with values.yaml; the client secret is not written down.
applied["config"]["GenericOAuthenticator"]["client_secret"] = "(set)"
(Path(os.environ["FEDOMOP_JH_STATE"]) / "applied-config.json").write_text(json.dumps(applied, default=sorted, indent=1))
