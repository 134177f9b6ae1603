"""The hub from a Python notebook: ``connect()``, then ``run(plan)`` gives a pandas DataFrame read from
the hub's Arrow stream with pyarrow, each site's rows as its batch arrives, then the pooled rows.

    import fedomop
    hub = fedomop.connect()                     # FEDOMOP_HUB_URL / ~/.fedomop/config.json
    result = hub.run(plan)                      # shows progress, then the table
    result.frame                                # every site's rows, then the pooled rows

Plain HTTP with the standard library and pyarrow for the bytes: nothing else to install in a kernel.
A withheld (suppressed) count is <NA> in its value column; ``<measure>_lower`` / ``_upper`` hold the
interval the true value lies in, as the sites released it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from .config import Connection, resolve_connection
from .errors import FedomopError, error_from_body
from .js_numbers import js_number, to_precision
from .result import POOLED, FederatedResult
from .stats import StatsFrame

ARROW_STREAM = "application/vnd.apache.arrow.stream"
TERMINAL = {"done", "cancelled"}
# How long to wait for the hub to mark a query done after its results stream has ended.
STATUS_GRACE_S = 2.0

ProgressCallback = Callable[[str, dict[str, Any]], None]


def connect(hub: str | None = None, token: str | None = None) -> Hub:
    """A client for the hub named by ``hub``, ``FEDOMOP_HUB_URL`` or the config file (see fedomop.config)."""
    return Hub(resolve_connection(hub, token))


class Hub:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.url = connection.hub

    def __repr__(self) -> str:
        return f"<fedomop hub {self.url} (from {self.connection.hub_source})>"

    # -- HTTP ---------------------------------------------------------------------------------------

    def _open(self, path: str, *, method: str = "GET", body: Any = None, accept: str = "application/json"):
        headers = {"accept": accept}
        token = self.connection.token()
        if token:
            headers["authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            headers["content-type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            return urllib.request.urlopen(request)
        except urllib.error.HTTPError as err:
            raise error_from_body(err.code, err.read()) from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise FedomopError(
                "ERR_SITE_UNREACHABLE", f"hub at {self.url} is unreachable: {reason}", hub=self.url
            ) from None

    def _json(self, path: str, **kwargs: Any) -> Any:
        with self._open(path, **kwargs) as response:
            raw = response.read()
        try:
            return json.loads(raw)
        except ValueError:
            raise FedomopError("ERR_SITE_BAD_RESPONSE", f"hub answered {path} with invalid JSON") from None

    # -- API ----------------------------------------------------------------------------------------

    def sites(self) -> list[dict[str, Any]]:
        """Every site the hub knows, with its health and info."""
        return self._json("/v1/sites")["sites"]

    def submit(self, plan: dict[str, Any], sites: list[str] | None = None, timeout_ms: int | None = None) -> dict:
        """Sends the plan; returns the hub's answer (query ``id``, ``planHash``, ``sites``, ``warnings``)."""
        body: dict[str, Any] = {"plan": plan}
        if sites is not None:
            body["sites"] = list(sites)
        if timeout_ms is not None:
            body["timeoutMs"] = timeout_ms
        return self._json("/v1/queries", method="POST", body=body)

    def status(self, query_id: str) -> dict[str, Any]:
        return self._json(f"/v1/queries/{query_id}")

    def cancel(self, query_id: str) -> dict[str, Any]:
        return self._json(f"/v1/queries/{query_id}", method="DELETE")

    def batches(self, query_id: str) -> Iterator[Any]:
        """The results stream's record batches, each as soon as the hub sends it (one per site, then pooled)."""
        from pyarrow import ipc

        with self._open(f"/v1/queries/{query_id}/results", accept=ARROW_STREAM) as response:
            reader = ipc.open_stream(response)
            yield from reader

    # -- statistics: the plan's analysis part as keyword arguments (docs/plan.md) ------------------------

    def summary(self, cohort: dict, variables: dict, of: list[str], by: str | None = None, **run: Any) -> StatsFrame:
        """n, missing, mean, sd and exact pooled quantiles of ``of`` (level counts for categorical ones)."""
        return self._stats(cohort, {"kind": "summary", "variables": variables, "of": list(of), "by": by}, run)

    def histogram(
        self,
        cohort: dict,
        variables: dict,
        of: str,
        edges: list[float] | None = None,
        bins: int | None = None,
        **run: Any,
    ) -> StatsFrame:
        """Persons per bin of one numeric variable, per site and pooled."""
        analysis = {"kind": "histogram", "variables": variables, "of": of, "edges": edges, "bins": bins}
        return self._stats(cohort, analysis, run)

    def glm(
        self,
        cohort: dict,
        variables: dict,
        family: str,
        outcome: str,
        covariates: list[str],
        offset: str | None = None,
        on_refusal: str | None = None,
        **run: Any,
    ) -> StatsFrame:
        """A generalised linear model fitted across the sites (pooled rows only); charted as a forest plot."""
        analysis = {
            "kind": "glm",
            "variables": variables,
            "family": family,
            "outcome": outcome,
            "covariates": list(covariates),
            "offset": offset,
            "onRefusal": on_refusal,
        }
        return self._stats(cohort, analysis, run)

    def km(
        self,
        cohort: dict,
        variables: dict,
        time: str,
        strata: str | None = None,
        bin_days: int | None = None,
        **run: Any,
    ) -> StatsFrame:
        """Kaplan–Meier survival of a ``time_to`` variable, optionally by stratum, with log-rank (pooled)."""
        analysis = {"kind": "km", "variables": variables, "time": time, "strata": strata, "binDays": bin_days}
        return self._stats(cohort, analysis, run)

    def _stats(self, cohort: dict, analysis: dict[str, Any], run: dict[str, Any]) -> StatsFrame:
        # Options left as None are not sent: the plan (and its hash) holds what was asked.
        plan = {"version": 1, "cohort": cohort, "analysis": {k: v for k, v in analysis.items() if v is not None}}
        return StatsFrame.of(self.run(plan, **run), analysis["kind"])

    def events(self, query_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """The query's progress events ``(name, data)`` as the hub sends them, until ``done``."""
        with self._open(f"/v1/queries/{query_id}/events", accept="text/event-stream") as response:
            name, data = "message", []
            for raw in response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if data:
                        payload = json.loads("\n".join(data))
                        yield name, payload
                        if name == "done":
                            return
                    name, data = "message", []
                elif line.startswith(":"):
                    continue
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())

    def run(
        self,
        plan: dict[str, Any],
        sites: list[str] | None = None,
        timeout_ms: int | None = None,
        progress: bool | ProgressCallback = True,
    ) -> FederatedResult:
        """Submits, reads every batch as it arrives and returns the whole result.

        ``progress=True`` shows each site as it answers and the hub's iteration rounds (GLM, quantile
        bisection) — a block updated in place in Jupyter; a callable gets ``(site, info)`` per site
        batch, ``(None, {"iteration": ...})`` per round and ``(None, {"status": ...})`` at the end;
        ``False`` is quiet. Interrupting the kernel cancels the query at the hub.

        The results stream is read on a helper thread while this one follows the progress events, so
        every display update comes from the cell's own thread. Events are best effort: without them
        (a proxy that does not stream) the batches still arrive and are reported.
        """
        import pyarrow as pa

        submitted = self.submit(plan, sites, timeout_ms)
        report = _progress_reporter(progress, submitted["sites"])
        collected: dict[str, Any] = {"batches": [], "metadata": []}

        def collect() -> None:
            try:
                with self._open(f"/v1/queries/{submitted['id']}/results", accept=ARROW_STREAM) as response:
                    from pyarrow import ipc

                    reader = ipc.open_stream(response)
                    while True:
                        try:
                            batch, custom = reader.read_next_batch_with_custom_metadata()
                        except StopIteration:
                            break
                        collected["batches"].append(batch)
                        collected["metadata"].append(custom)
            except BaseException as err:  # noqa: BLE001 - rethrown on the caller's thread
                collected["error"] = err

        reader_thread = threading.Thread(target=collect, name=f"fedomop-results-{submitted['id']}", daemon=True)
        reader_thread.start()
        reported: set[str] = set()
        try:
            if progress:
                try:
                    for name, data in self.events(submitted["id"]):
                        if name == "site" and data.get("state") == "done":
                            reported.add(data["site"])
                            report(data["site"], {"rows": data.get("rows", 0)})
                        elif name == "pooled":
                            reported.add(POOLED)
                            report(POOLED, {"rows": data.get("rows", 0)})
                        elif name == "iteration":
                            report(None, {"iteration": data})
                except (FedomopError, OSError, ValueError):
                    pass  # progress only: the results stream and the final status still complete the run
            while reader_thread.is_alive():
                reader_thread.join(0.1)
        except KeyboardInterrupt:
            self.cancel(submitted["id"])
            raise FedomopError("ERR_QUERY_CANCELLED", f"query {submitted['id']} was cancelled") from None
        if "error" in collected:
            raise collected["error"]
        batches = collected["batches"]
        for batch in batches:
            site = batch.column("site")[0].as_py() if batch.num_rows else None
            if site is not None and site not in reported:
                reported.add(site)
                report(site, {"rows": batch.num_rows})
        status = self.status(submitted["id"])
        deadline = time.monotonic() + STATUS_GRACE_S
        while status["state"] not in TERMINAL and time.monotonic() < deadline:
            time.sleep(0.02)
            status = self.status(submitted["id"])
        schema = batches[0].schema if batches else None
        table = pa.Table.from_batches(batches, schema=schema) if schema is not None else None
        result = FederatedResult(submitted, status, table, batch_metadata=collected["metadata"])
        report(None, {"status": status})
        return result


def _progress_reporter(progress: bool | ProgressCallback, sites: list[str]) -> ProgressCallback:
    if callable(progress):
        return progress
    if not progress:
        return lambda site, info: None
    answered: dict[str, int] = {}
    latest: dict[str, Any] = {}
    handle = None
    if _in_kernel():
        from IPython.display import display

        # Raw text/plain: a str passed to display() would show with its quotes.
        handle = display({"text/plain": _progress_text(sites, answered, None)}, raw=True, display_id=True)

    def report(site: str | None, info: dict[str, Any]) -> None:
        if site is not None:
            answered[site] = info["rows"]
        if "iteration" in info:
            latest["iteration"] = info["iteration"]
        text = _progress_text(sites, answered, info.get("status"), latest.get("iteration"))
        if handle is not None:
            handle.update({"text/plain": text}, raw=True)
        elif "status" in info:
            # Outside a notebook (a script, a console): the summary once, on stderr beside the output.
            print(text, file=sys.stderr)

    return report


def _in_kernel() -> bool:
    """True in a Jupyter kernel, where a display can be updated in place."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _progress_text(
    sites: list[str], answered: dict[str, int], status: dict[str, Any] | None, iteration: dict[str, Any] | None = None
) -> str:
    parts = []
    for site in sites:
        state = (status or {}).get("sites", {}).get(site, {}).get("state")
        if site in answered:
            parts.append(f"{site} ✓ {_rows(answered[site])}")
        elif state and state != "running":
            parts.append(f"{site} {state}")
        else:
            parts.append(f"{site} …")
    pooled = "pooled" in answered
    text = "fedomop: " + " · ".join(parts) + (f" · pooled {_rows(answered['pooled'])}" if pooled else "")
    return text + (f" · {_iteration_text(iteration)}" if iteration else "")


def _iteration_text(it: dict[str, Any]) -> str:
    """As the TypeScript progress view says it (src/client/iteration.ts): "glm iteration 3 · deviance 512.3",
    and for a GLM's intercept-only fit "glm null model iteration 2 (model: 5 iterations)"."""
    deviance = it.get("deviance")
    tail = f" · deviance {js_number(to_precision(deviance, 8))}" if isinstance(deviance, (int, float)) else ""
    kind = it.get("kind") or "hub"
    if it.get("model") == "null" and it.get("iteration") is not None:
        model = it.get("modelIterations")
        return f"{kind} null model iteration {it['iteration']} (model: {model if model is not None else '?'} iterations){tail}"
    step = it.get("iteration") if it.get("iteration") is not None else it.get("round")
    return f"{kind} iteration {step}{tail}"


def _rows(n: int) -> str:
    return f"{n} row{'' if n == 1 else 's'}"
