"""The Python notebook client against the real thing: two synthetic DuckDB sites and a hub started with
the ``fedomop`` Node CLI (real processes, real HTTP, real Arrow), plus a site that is down. Each site's
rows in the DataFrame must equal what that site releases when asked directly, and the pooled rows the
sums of the sites' bounds."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.request

import pandas as pd
import pytest
from pyarrow import ipc

import fedomop
from fedomop import FedomopError
from fedomop.tests.federation import BUILT, REPO, refused_url
from fedomop.tests.federation import federation as start_federation

pytestmark = pytest.mark.skipif(not BUILT, reason="needs node and the built CLI (scripts/setup.sh)")

SITES = {"south": (33, 3000, "small"), "north": (22, 4000, "regional")}

CROSSTAB = {
    "version": 1,
    "cohort": {
        "ConceptSets": [
            {"id": 1, "expression": {"items": [{"concept": {"CONCEPT_ID": 443392}, "includeDescendants": True}]}}
        ],
        "PrimaryCriteria": {
            "CriteriaList": [{"ConditionOccurrence": {"CodesetId": 1}}],
            "PrimaryCriteriaLimit": {"Type": "All"},
        },
        "ExpressionLimit": {"Type": "All"},
    },
    "analysis": {"kind": "crosstab", "by": ["gender", "age_group"]},
}


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    with start_federation(tmp_path_factory.mktemp("federation"), SITES, audit=True, dead=("dead",)) as running:
        yield running


def _site_answer(url: str, plan: dict) -> pd.DataFrame:
    """What a site releases when asked directly, decoded on its own (no hub, no client)."""
    request = urllib.request.Request(
        f"{url}/v1/execute", data=json.dumps(plan).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        return ipc.open_stream(response.read()).read_pandas()


def _plain(value):
    """One cell as plain Python, so two decodings compare (NaN / <NA> / None; 3.0 / 3 / np.int64(3))."""
    if pd.isna(value):
        return None
    if isinstance(value, (bool, str)):
        return value
    if hasattr(value, "item"):
        value = value.item()
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _comparable(frame: pd.DataFrame) -> list[tuple]:
    columns = sorted(frame.columns)
    rows = [tuple(_plain(v) for v in row) for row in frame[columns].itertuples(index=False, name=None)]
    return sorted(rows, key=repr)


def test_run_gives_each_sites_released_rows_and_pooled_sums(federation):
    hub = fedomop.connect(federation["hub"])
    seen: list[str] = []
    result = hub.run(CROSSTAB, sites=["south", "north"], progress=lambda site, info: seen.append(site))

    assert result.status["state"] == "done"
    assert result.failures == []
    assert set(seen) == {"south", "north", "pooled", None}, "one report per batch, then the final one"
    frame = result.frame
    assert list(frame["site"].unique())[-1] == "pooled", "the pooled rows come last"
    for site, url in federation["sites"].items():
        direct = _site_answer(url, CROSSTAB)
        mine = frame[frame["site"] == site]
        assert len(mine) > 0
        assert _comparable(mine) == _comparable(direct)

    # Withheld counts: <NA> values in a nullable integer column, the interval beside them.
    assert str(frame["persons"].dtype) == "Int64"
    suppressed = frame[frame["persons_suppressed"]]
    assert len(suppressed) > 0, "this plan leaves some small cells"
    assert suppressed["persons"].isna().all()
    assert (suppressed["persons_lower"] <= suppressed["persons_upper"]).all()

    # Pooled bounds are the sums of the sites' bounds, cell by cell.
    sites = result.per_site.groupby(["gender", "age_group"], dropna=False)
    sums = sites[["persons_lower", "persons_upper", "events_lower", "events_upper"]].sum()
    pooled = result.pooled.set_index(["gender", "age_group"])[sums.columns]
    pd.testing.assert_frame_equal(pooled.sort_index(), sums.sort_index(), check_dtype=False)


def test_a_dead_site_is_named_and_the_others_still_answer(federation):
    result = fedomop.connect(federation["hub"]).run({**CROSSTAB, "analysis": {"kind": "count"}}, progress=False)
    assert [f["site"] for f in result.failures] == ["dead"]
    assert result.failures[0]["code"] == "ERR_SITE_UNREACHABLE"
    assert set(result.per_site["site"]) == {"south", "north"}
    shown = result._repr_html_()
    assert "2 sites answered, 1 did not" in shown
    assert "not included: dead: ERR_SITE_UNREACHABLE" in shown


def test_withheld_cells_show_as_intervals_in_the_notebook(federation):
    result = fedomop.connect(federation["hub"]).run(CROSSTAB, sites=["south"], progress=False)
    row = result.per_site[result.per_site["persons_suppressed"]].iloc[0]
    interval = f"{row['persons_lower']}–{row['persons_upper']}*"
    assert interval in result._repr_html_()
    assert "withheld by disclosure control" in result._repr_html_()
    assert "pooled" in repr(result)


def test_a_bad_plan_is_refused_with_every_problem_and_its_path(federation):
    hub = fedomop.connect(federation["hub"])
    plan = {**CROSSTAB, "analysis": {"kind": "crosstab", "by": ["shoe_size"]}}
    with pytest.raises(FedomopError) as caught:
        hub.run(plan, progress=False)
    assert caught.value.code == "ERR_PLAN_INVALID"
    assert any(p["path"].startswith("analysis.by") for p in caught.value.problems), caught.value.problems


def test_the_token_from_the_config_file_reaches_the_sites(federation, tmp_path, monkeypatch):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"hub": federation["hub"], "token": "from-the-file"}))
    monkeypatch.delenv("FEDOMOP_HUB_URL", raising=False)
    monkeypatch.delenv("FEDOMOP_TOKEN", raising=False)
    monkeypatch.setenv("FEDOMOP_CONFIG", str(config))
    hub = fedomop.connect()
    assert hub.url == federation["hub"]
    hub.run({**CROSSTAB, "analysis": {"kind": "count"}}, sites=["south"], progress=False)
    audit = (federation["dir"] / "south.audit.jsonl").read_text().splitlines()
    digest = hashlib.sha256(b"Bearer from-the-file").hexdigest()[:16]
    assert json.loads(audit[-1])["caller"] == digest


def test_no_hub_configured_says_how_to_configure_one(tmp_path, monkeypatch):
    monkeypatch.delenv("FEDOMOP_HUB_URL", raising=False)
    monkeypatch.setenv("FEDOMOP_CONFIG", str(tmp_path / "missing.json"))
    with pytest.raises(FedomopError) as caught:
        fedomop.connect()
    assert caught.value.code == "ERR_CONFIG_INVALID"
    monkeypatch.delenv("FEDOMOP_CONFIG")
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(FedomopError, match="FEDOMOP_HUB_URL"):
        fedomop.connect()


def test_an_unreachable_hub_is_a_clear_error():
    with pytest.raises(FedomopError) as caught:
        fedomop.connect(refused_url()).sites()
    assert caught.value.code == "ERR_SITE_UNREACHABLE"


def test_a_python_notebook_kernel_shows_progress_then_the_table(federation):
    """A real ipykernel, driven as JupyterLab drives it: one cell imports fedomop and runs a plan."""
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env={**os.environ, "FEDOMOP_HUB_URL": federation["hub"]})
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        cell = f"import json, fedomop\nresult = fedomop.connect().run(json.loads({json.dumps(CROSSTAB)!r}))\nresult"
        msg_id = client.execute(cell)
        messages = []
        while True:
            message = client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            messages.append(message)
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        reply = client.get_shell_msg(timeout=10)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)

    kinds = [m["msg_type"] for m in messages]
    shown = next(m for m in messages if m["msg_type"] == "display_data")
    display_id = shown["content"]["transient"]["display_id"]
    updates = [m for m in messages if m["msg_type"] == "update_display_data"]
    assert updates and all(u["content"]["transient"]["display_id"] == display_id for u in updates), kinds
    assert "fedomop: south …" in shown["content"]["data"]["text/plain"]
    final_progress = updates[-1]["content"]["data"]["text/plain"]
    assert "south ✓" in final_progress and "north ✓" in final_progress and "dead failed" in final_progress
    result = next(m for m in messages if m["msg_type"] == "execute_result")["content"]["data"]
    assert "<table>" in result["text/html"]
    assert "not included: dead: ERR_SITE_UNREACHABLE" in result["text/html"]
    assert "pooled" in result["text/plain"]


def test_in_a_script_progress_is_one_summary_on_stderr(federation):
    """Outside a kernel there is no display to update: one line on stderr, stdout left to the script."""
    script = (
        "import json, sys, fedomop\n"
        f"r = fedomop.connect({federation['hub']!r}).run(json.loads(sys.argv[1]), sites=['south'])\n"
        "print(len(r.frame))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(CROSSTAB)], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip().isdigit(), done.stdout
    assert done.stderr.strip().startswith("fedomop: south ✓"), done.stderr
    assert "text/plain" not in done.stdout + done.stderr
