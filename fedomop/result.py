"""One federated query's answer in Python: the Arrow table as the hub sent it, as pandas, and how each
site fared. Shown in a notebook as one table (sites, then the pooled rows), withheld cells as the
interval that holds the true value, like the TypeScript kernel's view (src/kernel/result-view.ts)."""

from __future__ import annotations

import html
from typing import Any

POOLED = "pooled"
MEASURES = ("persons", "events")
SUPPRESSED_NOTE = "withheld by disclosure control: the true value lies in this interval"
# Codes for sites the hub marks unsuccessful without relaying an error of their own.
_STATE_CODES = {"failed": "ERR_SITE_ERROR", "timeout": "ERR_SITE_TIMEOUT", "cancelled": "ERR_QUERY_CANCELLED"}


class FederatedResult:
    def __init__(
        self,
        submitted: dict[str, Any],
        status: dict[str, Any],
        table: Any,
        batch_metadata: list[Any] | None = None,
    ) -> None:
        self.query_id: str = submitted["id"]
        self.plan_hash: str = submitted["planHash"]
        self.warnings: list[dict[str, str]] = list(submitted.get("warnings") or [])
        self.status = status
        self.table = table  # pyarrow.Table, or None when no site released anything
        self.frame = self._frame()
        self.metadata = _metadata(table, batch_metadata or [])
        self.failures = [
            {
                "site": site,
                "code": (s.get("error") or {}).get("code") or _STATE_CODES[s["state"]],
                "message": (s.get("error") or {}).get("message") or f"site {site} ended {s['state']}",
            }
            for site, s in status["sites"].items()
            if s["state"] in _STATE_CODES
        ]

    def _frame(self):
        import pandas as pd
        import pyarrow as pa

        if self.table is None:
            return pd.DataFrame({"site": pd.Series([], dtype="string")})
        # Counts are Int64 with nulls for withheld values: pandas' nullable Int64 keeps them integers.
        return self.table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)

    @property
    def pooled(self):
        return self.frame[self.frame["site"] == POOLED].reset_index(drop=True)

    @property
    def per_site(self):
        return self.frame[self.frame["site"] != POOLED].reset_index(drop=True)

    def to_pandas(self):
        return self.frame

    def _dimensions(self) -> list[str]:
        measure_columns = {f"{m}{suffix}" for m in MEASURES for suffix in ("", "_lower", "_upper", "_suppressed")}
        return [c for c in self.frame.columns if c != "site" and c not in measure_columns]

    def _cell(self, row: Any, measure: str) -> tuple[str, bool]:
        if not bool(row.get(f"{measure}_suppressed", False)):
            return _plain(row.get(measure)), False
        return f"{row[f'{measure}_lower']}–{row[f'{measure}_upper']}*", True

    def _caption(self) -> str:
        answered = sum(1 for s in self.status["sites"].values() if s["state"] == "done")
        failed = f", {len(self.failures)} did not" if self.failures else ""
        return f"query {self.query_id} · plan {self.plan_hash[:12]} · {answered} site{'s' if answered != 1 else ''} answered{failed}"

    def _repr_html_(self) -> str:
        dims = self._dimensions()
        header = ["site", *dims, *[m for m in MEASURES if m in self.frame.columns]]
        rows_html = []
        first_pooled = True
        any_suppressed = False
        for _, row in self.frame.iterrows():
            pooled = row["site"] == POOLED
            style = ""
            if pooled:
                style = (
                    ' style="font-weight:bold' + (";border-top:2px solid currentColor" if first_pooled else "") + '"'
                )
                first_pooled = False
            cells = [f'<td style="text-align:left">{html.escape(str(row["site"]))}</td>']
            cells += [f'<td style="text-align:left">{html.escape(_plain(row[d]))}</td>' for d in dims]
            for m in header[1 + len(dims) :]:
                text, suppressed = self._cell(row, m)
                any_suppressed |= suppressed
                body = (
                    f'<span title="{html.escape(SUPPRESSED_NOTE)}">{html.escape(text)}</span>'
                    if suppressed
                    else html.escape(text)
                )
                cells.append(f'<td style="text-align:right">{body}</td>')
            rows_html.append(f"<tr{style}>{''.join(cells)}</tr>")
        parts = [
            '<div class="fedomop-result">',
            # Above the table rather than its <caption>, which a narrow table would wrap word by word.
            f'<p class="fedomop-caption" style="margin:0 0 0.3em">{html.escape(self._caption())}</p><table>',
            "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead>",
            "<tbody>" + "".join(rows_html) + "</tbody></table>",
        ]
        if self.frame.empty:
            parts.append("<p>No rows were released.</p>")
        if any_suppressed:
            parts.append(f"<p><small>* {html.escape(SUPPRESSED_NOTE)}.</small></p>")
        parts += [
            f"<p>not included: {html.escape(f['site'])}: {html.escape(f['code'])}: {html.escape(f['message'])}</p>"
            for f in self.failures
        ]
        parts += [f"<p>warning: {html.escape(w['path'])}: {html.escape(w['message'])}</p>" for w in self.warnings]
        return "".join(parts) + "</div>"

    def __repr__(self) -> str:
        lines = [
            self._caption(),
            self.frame.to_string(index=False) if not self.frame.empty else "No rows were released.",
        ]
        lines += [f"not included: {f['site']}: {f['code']}: {f['message']}" for f in self.failures]
        lines += [f"warning: {w['path']}: {w['message']}" for w in self.warnings]
        return "\n".join(lines)


def _metadata(table: Any, batch_metadata: list[Any]) -> dict[str, str]:
    """The stream schema's metadata, then any key only a batch carries (fedomop.glm / fedomop.km)."""
    out: dict[str, str] = {}
    sources = [table.schema.metadata if table is not None else None, *batch_metadata]
    for source in sources:
        items = source.items() if hasattr(source, "items") else (source.to_dict().items() if source else [])
        for key, value in items:
            key = key.decode() if isinstance(key, bytes) else str(key)
            out.setdefault(key, value.decode() if isinstance(value, bytes) else str(value))
    return out


def _plain(value: Any) -> str:
    import pandas as pd

    return "" if value is None or pd.isna(value) else str(value)
