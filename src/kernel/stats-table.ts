/**
 * A statistics result (summary, histogram, glm, km) as a notebook table. Unlike counts, these tables
 * have kind-specific columns, so the view is generic: every column but the disclosure companions of
 * another (`x_lower`, `x_upper`, `x_suppressed`), a withheld value shown as the interval that holds it,
 * fractional numbers to 4 significant digits (the data frame keeps them whole). Sites, then pooled.
 */
import { POOLED_SITE } from '../arrow/result-schema.js';
import { cellText as cell, shownColumns } from '../charts/columns.js';
import type { FederatedResult } from '../client/index.js';
import { esc, textTable } from './html.js';
import type { MediaBundle } from './jupyter.js';

const SUPPRESSED_TITLE = 'withheld by disclosure control: the true value lies in this interval';

export { shownColumns };
export function renderStatsTable(result: FederatedResult, label: string): MediaBundle {
  const rows = result.toRows();
  const columns = shownColumns(result.table.schema.fields.map((f) => f.name));
  const ordered = [...rows.filter((r) => r.site !== POOLED_SITE), ...rows.filter((r) => r.site === POOLED_SITE)];
  const numeric = new Set(columns.filter((c) => rows.some((r) => typeof r[c] === 'number')));
  // GLM and KM send pooled rows only: a site answered when the hub says it finished, not by its rows.
  const answered = Object.values(result.status.sites).filter((s) => s.state === 'done').length;
  const caption =
    `${label} · query ${result.queryId} · plan ${result.planHash.slice(0, 12)} · ` +
    `${answered} site${answered === 1 ? '' : 's'} answered` +
    (result.failures.length ? `, ${result.failures.length} did not` : '');
  let anyWithheld = false;
  let firstPooled = true;
  const body = ordered
    .map((row) => {
      const pooled = row.site === POOLED_SITE;
      const style = pooled
        ? ` class="fedomop-pooled" style="font-weight:bold${firstPooled ? ';border-top:2px solid currentColor' : ''}"`
        : '';
      if (pooled) firstPooled = false;
      const tds = columns.map((c) => {
        const { text, withheld } = cell(row, c);
        anyWithheld ||= withheld;
        const content = withheld
          ? `<span class="fedomop-suppressed" title="${esc(SUPPRESSED_TITLE)}">${esc(text)}</span>`
          : esc(text);
        return `<td style="text-align:${numeric.has(c) ? 'right' : 'left'}">${content}</td>`;
      });
      return `<tr${style}>${tds.join('')}</tr>`;
    })
    .join('');
  // A rounds analysis that failed as a whole (e.g. a GLM a site refused, onRefusal 'fail'): why, first.
  const failed = result.status.error;
  const failedText = failed ? `the analysis failed: ${failed.code}: ${failed.message}` : '';
  const failures = result.failures
    .map((f) => `<li><b>${esc(f.site)}</b>: <code>${esc(f.code)}</code> ${esc(f.message)}</li>`)
    .join('');
  const html = [
    '<div class="fedomop-result">',
    `<p class="fedomop-caption" style="margin:0 0 0.3em">${esc(caption)}</p>`,
    failed ? `<p class="fedomop-error"><b>${esc(failedText)}</b></p>` : '',
    `<table><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`,
    rows.length === 0 ? '<p>No rows were released.</p>' : '',
    anyWithheld ? `<p><small>* ${esc(SUPPRESSED_TITLE)}.</small></p>` : '',
    failures ? `<div class="fedomop-failures"><p>Not included (no answer):</p><ul>${failures}</ul></div>` : '',
    '</div>',
  ].join('');
  const text = [
    caption,
    failedText,
    textTable(
      columns,
      ordered.map((r) => columns.map((c) => cell(r, c).text)),
    ),
    anyWithheld ? `* ${SUPPRESSED_TITLE}` : '',
    ...result.failures.map((f) => `not included: ${f.site}: ${f.code}: ${f.message}`),
  ]
    .filter(Boolean)
    .join('\n');
  return { 'text/html': html, 'text/plain': text };
}
