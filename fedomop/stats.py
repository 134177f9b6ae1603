"""What ``hub.summary / histogram / glm / km`` return: a pandas DataFrame of the result (every site's
rows, then the pooled rows) that also carries its chart. In a notebook it shows as two outputs, the
table and the chart (JupyterLab renders ``application/vnd.vegalite.v5+json`` natively, and shows one
MIME type per output); ``_repr_mimebundle_`` has all three types for other front ends. Frames derived
from it (a filter, a column pick) are plain DataFrames: the chart belongs to the whole result."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pandas as pd

from .charts import VEGA_LITE_MIME, chart_for


class StatsFrame(pd.DataFrame):
    _metadata: ClassVar[list[str]] = ["kind", "chart", "result"]

    @property
    def _constructor(self):
        return pd.DataFrame

    @classmethod
    def of(cls, result: Any, kind: str) -> StatsFrame:
        frame = cls(result.frame)
        frame.kind = kind
        frame.result = result
        rows = result.table.to_pylist() if result.table is not None else []
        frame.chart = chart_for(kind, rows, result.metadata)
        return frame

    @property
    def meta(self) -> dict[str, Any] | None:
        """``fedomop.<kind>`` metadata parsed (GLM: family, deviance, aic, n, iterations; KM: grid merges, medians, log-rank)."""
        raw = self.result.metadata.get(f"fedomop.{self.kind}")
        return json.loads(raw) if raw is not None else None

    @property
    def failures(self) -> list[dict[str, str]]:
        return self.result.failures

    @property
    def pooled(self) -> pd.DataFrame:
        return pd.DataFrame(self[self["site"] == "pooled"]).reset_index(drop=True)

    @property
    def per_site(self) -> pd.DataFrame:
        return pd.DataFrame(self[self["site"] != "pooled"]).reset_index(drop=True)

    def _table_bundle(self) -> dict[str, str]:
        caption = f"{self.kind} · {self.result._caption()}"
        error = (self.result.status or {}).get("error")
        failed = f"the analysis failed: {error['code']}: {error['message']}" if error else ""
        html = f'<div class="fedomop-result"><p class="fedomop-caption">{_esc(caption)}</p>'
        if failed:
            html += f'<p class="fedomop-error"><b>{_esc(failed)}</b></p>'
        html += pd.DataFrame(self).to_html(index=False, na_rep="")
        html += "".join(
            f"<p>not included: {_esc(f['site'])}: {_esc(f['code'])}: {_esc(f['message'])}</p>" for f in self.failures
        )
        text = "\n".join(t for t in (caption, failed, pd.DataFrame(self).to_string(index=False)) if t)
        return {"text/html": html + "</div>", "text/plain": text}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = dict(self._table_bundle())
        if self.chart is not None:
            bundle[VEGA_LITE_MIME] = self.chart
        return bundle

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self._table_bundle(), raw=True)
        if self.chart is not None:
            display({VEGA_LITE_MIME: self.chart, "text/plain": f"{self.kind} chart"}, raw=True)


def _esc(text: Any) -> str:
    import html

    return html.escape(str(text))
