"""
Starts the real "fedomop-deno" kernelspec through jupyter_client, as JupyterLab would, in a notebook
directory outside the checkout, and runs notebook cells against a REAL running hub, whose URL comes
in FEDOMOP_HUB_URL (test/integration/kernel.test.ts starts sites and a hub and calls this script).

Checks: the kernel starts; `import { connect } from "fedomop"` resolves; run() shows live progress
(display_data then update_display_data with one display_id); the result displays as an HTML table;
the dead site named in FEDOMOP_CHECK_DEAD_SITE is listed as failed; toDanfo() gives a DataFrame; the
notebook's working directory is the notebook's own. The last line printed is
`RESULT {"shape": [...], "columns": [...], "values": [[...]], "queryId": ...}` for the caller to compare
with what the hub returns for the same plan. Exit code 1 if any check failed.

Usage: FEDOMOP_HUB_URL=http://127.0.0.1:8100 FEDOMOP_CHECK_PLAN='{"version":1,...}' \
       FEDOMOP_CHECK_DEAD_SITE=gone .venv/bin/python test/kernel/kernel_session_check.py
"""

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PLAN = os.environ.get("FEDOMOP_CHECK_PLAN", "")
DEAD_SITE = os.environ.get("FEDOMOP_CHECK_DEAD_SITE", "")

CELL_RUN = """
import { connect } from "fedomop";
const session = await connect();
const plan = __PLAN__;
const result = await session.run(plan);
result
""".replace("__PLAN__", PLAN)

CELL_DANFO = """
const df = await result.toDanfo();
JSON.stringify({ shape: df.shape, columns: df.columns, values: df.values, queryId: result.queryId })
"""

CELL_RELATIVE_IMPORT = """
import { where } from "./helper.ts";
where
"""

CELL_BARE_IMPORTS = """
import * as dfd from "danfojs";
import { tableFromArrays } from "apache-arrow";
JSON.stringify([typeof dfd.DataFrame, typeof tableFromArrays])
"""

CELL_CWD = """
JSON.stringify({ cwd: Deno.cwd(), note: Deno.readTextFileSync("note.txt") })
"""


def execute(kc, code, timeout=120):
    """Runs one cell; returns (iopub messages of that cell, execute_reply content).

    Deno's kernel can publish a cell's execute_result after its `idle` status, so idle alone does not
    mean the output is complete: after idle, keep reading this cell's messages until the iopub
    channel has been quiet for a moment.
    """
    msg_id = kc.execute(code)
    messages = []
    deadline = time.time() + timeout
    idle = False
    while True:
        wait = 0.5 if idle else max(0.1, deadline - time.time())
        try:
            msg = kc.get_iopub_msg(timeout=wait)
        except queue.Empty:
            if idle:
                break
            raise SystemExit(f"timed out waiting for output of:\n{code}")
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    content = reply["content"]
    if content["status"] != "ok":
        print(f"      cell failed: {content.get('ename')}: {content.get('evalue')}\n      in:{code}")
    return messages, content


def result_text(messages, mime):
    for m in messages:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"].get(mime)
    return None


def plain_json(messages):
    """A cell ending in JSON.stringify(...): Deno shows the string quoted and colored, as its inspect does."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", result_text(messages, "text/plain") or "").strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"`":
        text = text[1:-1]
    try:
        return json.loads(text)
    except ValueError:
        print(f"      (unparsable cell output: {text!r})")
        return {}


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        check.failed = True


check.failed = False


def main():
    hub_url = os.environ.get("FEDOMOP_HUB_URL")
    if not hub_url or not PLAN:
        raise SystemExit("set FEDOMOP_HUB_URL and FEDOMOP_CHECK_PLAN (see the docstring)")
    frame = {}
    work = tempfile.mkdtemp(prefix="fedomop-kernel-check-")
    prefix = os.path.join(work, "prefix")
    notebook_dir = os.path.join(work, "notebooks")
    os.makedirs(notebook_dir)
    with open(os.path.join(notebook_dir, "note.txt"), "w") as f:
        f.write("beside the notebook")
    with open(os.path.join(notebook_dir, "helper.ts"), "w") as f:
        f.write('export const where = "notebook helper";\n')
    subprocess.run(
        [os.path.join(ROOT, "scripts", "install-kernel.sh"), "--prefix", prefix],
        check=True,
    )
    # Jupyter finds kernelspecs in <dir>/kernels for every dir on JUPYTER_PATH.
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")

    km = KernelManager(kernel_name="fedomop-deno")
    env = dict(os.environ, FEDOMOP_HUB_URL=hub_url)
    env.pop("FEDOMOP_CONFIG", None)
    t0 = time.time()
    km.start_kernel(cwd=notebook_dir, env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        started = time.time() - t0
        print(f"kernel ready after {started:.2f} s (spec {km.kernel_spec.resource_dir})")

        t1 = time.time()
        messages, reply = execute(kc, CELL_RUN)
        print(f"first cell (import fedomop + run) took {time.time() - t1:.2f} s")
        check(
            reply["status"] == "ok",
            f"cell ran: {reply.get('ename', '')} {reply.get('evalue', '')}",
        )
        displays = [m for m in messages if m["msg_type"] == "display_data"]
        updates = [m for m in messages if m["msg_type"] == "update_display_data"]
        ids = {m["content"].get("transient", {}).get("display_id") for m in displays + updates}
        check(
            len(displays) == 1 and len(updates) >= 3 and len(ids) == 1,
            f"progress: 1 display_data + {len(updates)} update_display_data, one display_id",
        )
        last = (updates or displays)[-1]["content"]["data"]["text/plain"] if (updates or displays) else ""
        check(
            "finished" in last and DEAD_SITE in last and "failed" in last,
            "final progress names the failed site",
        )
        html = result_text(messages, "text/html") or ""
        check(
            "<table" in html and "pooled" in html,
            "result displays as an HTML table with a pooled row",
        )
        check(
            DEAD_SITE in html and "ERR_SITE_UNREACHABLE" in html,
            "the dead site is listed with its error",
        )

        messages, reply = execute(kc, CELL_DANFO)
        frame = plain_json(messages)
        check(
            len(frame.get("shape", [])) == 2 and frame["shape"][0] > 0,
            f"toDanfo() shape {frame.get('shape')}",
        )

        messages, reply = execute(kc, CELL_CWD)
        value = plain_json(messages)
        check(
            os.path.realpath(value.get("cwd", "")) == os.path.realpath(notebook_dir),
            f"cwd is the notebook's: {value.get('cwd')}",
        )
        check(
            value.get("note") == "beside the notebook",
            "relative file reads resolve beside the notebook",
        )

        messages, reply = execute(kc, CELL_BARE_IMPORTS)
        check(
            plain_json(messages) == ["function", "function"],
            "danfojs and apache-arrow import by bare name in a cell",
        )

        messages, reply = execute(kc, CELL_RELATIVE_IMPORT)
        text = result_text(messages, "text/plain") or reply.get("evalue", "")
        check(
            "notebook helper" in text,
            f"a cell's relative import resolves beside the notebook: {text[:120]}",
        )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        shutil.rmtree(work, ignore_errors=True)
    print("RESULT " + json.dumps(frame))
    sys.exit(1 if check.failed else 0)


if __name__ == "__main__":
    main()
