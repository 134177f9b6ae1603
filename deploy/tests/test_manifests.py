"""The Kubernetes manifests render with `kubectl kustomize`, validate against the Kubernetes schemas
of a current version, and keep the promises docs/deployment.md makes: probes on the health endpoint,
non-root and read-only containers with resource requests, configuration from ConfigMaps and Secrets,
and sites that admit traffic from the fedomop hub (or the ingress in front of it) only."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

DEPLOY = Path(__file__).resolve().parent.parent
OVERLAYS = sorted(p.parent for p in (DEPLOY / "k8s" / "overlays").glob("*/kustomization.yaml"))
KUBERNETES_VERSION = "1.35.0"
PASSWORD_IN_URL = re.compile(r"postgres(ql)?://[^/@:\s]+:[^/@\s]+@")


def render(directory: Path) -> list[dict]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl (with its built-in kustomize) is needed to render the manifests"
    out = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, f"kubectl kustomize {directory} failed:\n{out.stderr}"
    return [d for d in yaml.safe_load_all(out.stdout) if d]


@pytest.fixture(scope="module", params=OVERLAYS, ids=lambda p: p.name)
def overlay(request) -> tuple[str, list[dict]]:
    return request.param.name, render(request.param)


def of_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def test_there_are_a_demo_and_a_real_site_overlay():
    assert {p.name for p in OVERLAYS} >= {"demo", "real-site"}


def test_every_resource_validates_against_the_kubernetes_schema(overlay):
    name, docs = overlay
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as err:
            pytest.fail(f"{name}: {doc['kind']}/{doc['metadata']['name']}: {err.message} at {list(err.path)}")


def test_containers_are_probed_non_root_read_only_and_sized(overlay):
    name, docs = overlay
    deployments = of_kind(docs, "Deployment")
    assert deployments, f"{name} renders no Deployment"
    for d in deployments:
        pod = d["spec"]["template"]["spec"]
        where = f"{name}: {d['metadata']['name']}"
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        assert pod.get("automountServiceAccountToken") is False, f"{where}: needs no Kubernetes API token"
        for c in pod["containers"] + pod.get("initContainers", []):
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, f"{where}/{c['name']}"
            assert sc["allowPrivilegeEscalation"] is False, f"{where}/{c['name']}"
            assert sc["capabilities"]["drop"] == ["ALL"], f"{where}/{c['name']}"
            assert {"cpu", "memory"} <= set(c["resources"]["requests"]), f"{where}/{c['name']}: resource requests"
        for c in pod["containers"]:
            for probe in ("readinessProbe", "livenessProbe"):
                path = c[probe]["httpGet"]["path"]
                wanted = "/.well-known/openid-configuration" if c["name"] == "dev-idp" else "/healthz"
                assert path == wanted, f"{where}/{c['name']}: {probe} on {path}"


def test_configuration_comes_from_config_maps_and_secrets_that_exist(overlay):
    name, docs = overlay
    config_maps = {d["metadata"]["name"] for d in of_kind(docs, "ConfigMap")}
    secrets = {d["metadata"]["name"] for d in of_kind(docs, "Secret")}
    for d in of_kind(docs, "Deployment"):
        for v in d["spec"]["template"]["spec"]["volumes"]:
            if "configMap" in v:
                assert v["configMap"]["name"] in config_maps, f"{name}: {v['configMap']['name']} is not rendered"
            if "secret" in v and name == "demo":
                assert v["secret"]["secretName"] in secrets, f"{name}: {v['secret']['secretName']} is not rendered"
    # A database password never sits in a ConfigMap (it comes from a Secret as PGPASSWORD).
    for cm in of_kind(docs, "ConfigMap"):
        for key, text in cm.get("data", {}).items():
            assert not PASSWORD_IN_URL.search(text), f"{name}: {cm['metadata']['name']}/{key} holds a password"


def selects(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def test_each_site_admits_only_the_hub_or_the_ingress(overlay):
    name, docs = overlay
    policies = of_kind(docs, "NetworkPolicy")
    sites = [d for d in of_kind(docs, "Deployment") if d["metadata"]["labels"]["app.kubernetes.io/component"] == "site"]
    assert sites, f"{name} has no site"
    hub_labels = {"app.kubernetes.io/name": "fedomop", "app.kubernetes.io/component": "hub"}
    for site in sites:
        labels = site["spec"]["template"]["metadata"]["labels"]
        guarding = [p for p in policies if selects(p["spec"]["podSelector"], labels)]
        assert len(guarding) == 1, f"{name}: {site['metadata']['name']} is selected by {len(guarding)} policies"
        spec = guarding[0]["spec"]
        assert "Ingress" in spec["policyTypes"]
        sources = [s for rule in spec["ingress"] for s in rule["from"]]
        assert sources, f"{name}: an ingress rule without sources admits everyone"
        for s in sources:
            if "podSelector" in s:
                assert selects(s["podSelector"], hub_labels) and "namespaceSelector" not in s, f"{name}: {s}"
                assert not selects(s["podSelector"], labels), f"{name}: the site admits its own kind"
            else:
                ns = s["namespaceSelector"]["matchLabels"]
                assert ns == {"kubernetes.io/metadata.name": "ingress-nginx"}, f"{name}: admits namespace {ns}"


def test_the_demo_runs_three_synthetic_sites_and_a_hub_that_knows_them():
    docs = render(DEPLOY / "k8s" / "overlays" / "demo")
    sites = [d for d in of_kind(docs, "Deployment") if d["metadata"]["labels"]["app.kubernetes.io/component"] == "site"]
    assert sorted(d["metadata"]["labels"]["fedomop.io/site"] for d in sites) == ["central", "north", "south"]
    services = {d["metadata"]["name"] for d in of_kind(docs, "Service")}
    hub_toml = next(cm for cm in of_kind(docs, "ConfigMap") if cm["metadata"]["name"].startswith("fedomop-hub-config"))
    for site in ("central", "north", "south"):
        assert f'url = "http://fedomop-site-{site}:8101"' in hub_toml["data"]["hub.toml"]
        assert f"fedomop-site-{site}" in services
        synth = next(d for d in sites if d["metadata"]["labels"]["fedomop.io/site"] == site)
        assert synth["spec"]["template"]["spec"]["initContainers"][0]["args"][0] == "synth"


def test_fleet_points_at_overlays_that_exist():
    fleet = yaml.safe_load((DEPLOY / "fleet.yaml").read_text())
    dirs = [fleet["kustomize"]["dir"]] + [t["kustomize"]["dir"] for t in fleet["targetCustomizations"]]
    for d in dirs:
        assert (DEPLOY / d / "kustomization.yaml").is_file(), d


def test_z2jh_values_sign_in_with_helmholtz_aai_and_hand_the_token_to_servers():
    values = yaml.safe_load((DEPLOY / "jupyterhub" / "values.yaml").read_text())
    config = values["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] == "generic-oauth"
    assert config["Authenticator"]["enable_auth_state"] is True
    oauth = config["GenericOAuthenticator"]
    assert oauth["enable_pkce"] is True and oauth["manage_groups"] is True
    assert oauth["authorize_url"].startswith("https://login.helmholtz.de/")
    assert {"openid", "eduperson_entitlement", "offline_access"} <= set(oauth["scope"])
    assert oauth["auth_state_groups_key"] == "oauth_user.eduperson_entitlement"
    assert all(g.startswith("urn:geant:helmholtz.de:group:") for g in oauth["allowed_groups"])
    assert "admin:auth_state!user" in values["hub"]["loadRoles"]["server"]["scopes"]


def test_rendered_configuration_is_what_fedomop_itself_accepts(overlay, tmp_path):
    """Every site.toml, policy.toml and hub.toml the overlay ships, read by fedomop's own loaders
    (src/site/config.ts, src/auth/policy.ts, src/hub/config.ts), as the pod would start them."""
    name, docs = overlay
    node = shutil.which("node")
    assert node, "node is needed to read the configuration with fedomop's loaders"
    repo = DEPLOY.parent
    checks = []
    for i, cm in enumerate(of_kind(docs, "ConfigMap")):
        data = cm.get("data", {})
        kind = "hub" if "hub.toml" in data else "site" if "site.toml" in data else None
        if kind is None:
            continue
        folder = tmp_path / f"{i}-{cm['metadata']['name']}"
        folder.mkdir()
        for file, text in data.items():
            # The pod reads its policy from /etc/fedomop; here it lies beside site.toml.
            (folder / file).write_text(text.replace("/etc/fedomop/policy.toml", str(folder / "policy.toml")))
        checks.append({"kind": kind, "dir": str(folder)})
    assert checks, f"{name} ships no fedomop configuration"
    out = subprocess.run(
        [node, str(DEPLOY / "tests" / "check-config.mjs"), str(repo)],
        input=json.dumps(checks),
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, f"{name}: fedomop refuses its configuration:\n{out.stderr}"
    assert len(out.stdout.strip().splitlines()) == len(checks), out.stdout
