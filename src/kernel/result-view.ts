/**
 * A federated result as notebook output: one HTML table (each site's rows, then the pooled row set off
 * below them), withheld cells shown as the interval that holds the true value, and the sites that did
 * not answer listed with their error. text/plain carries the same for consoles and nbconvert.
 */
import { MEASURES, POOLED_SITE, measureColumns } from '../arrow/result-schema.js';
import type { FederatedResult, PlainRow } from '../client/index.js';
import { esc, textTable } from './html.js';
import type { MediaBundle } from './jupyter.js';

const SUPPRESSED_TITLE = 'withheld by disclosure control: the true value lies in this interval';

interface Cell {
  text: string;
  suppressed: boolean;
}

export function renderResult(result: FederatedResult): MediaBundle {
  const rows = result.toRows();
  const measureCols = new Set(MEASURES.flatMap((m) => Object.values(measureColumns(m))));
  const dims = result.table.schema.fields.map((f) => f.name).filter((n) => n !== 'site' && !measureCols.has(n));
  const header = ['site', ...dims, ...MEASURES];
  const cells = (row: PlainRow): Cell[] => [
    { text: String(row.site), suppressed: false },
    ...dims.map((d) => ({ text: row[d] === null ? '' : String(row[d]), suppressed: false })),
    ...MEASURES.map((m) => measureCell(row, m)),
  ];
  const siteRows = rows.filter((r) => r.site !== POOLED_SITE);
  const pooledRows = rows.filter((r) => r.site === POOLED_SITE);
  const anySuppressed = rows.some((r) => MEASURES.some((m) => r[measureColumns(m).suppressed] === true));

  const answered = Object.keys(result.perSite).length;
  const caption =
    `query ${result.queryId} · plan ${result.planHash.slice(0, 12)} · ` +
    `${answered} site${answered === 1 ? '' : 's'} answered` +
    (result.failures.length ? `, ${result.failures.length} did not` : '');

  // Only the first pooled row is set off by a rule; labels (site, dimensions) read left-aligned.
  const htmlRow = (row: PlainRow, pooled: boolean, firstPooled: boolean) =>
    `<tr${pooled ? ` class="fedomop-pooled" style="font-weight:bold${firstPooled ? ';border-top:2px solid currentColor' : ''}"` : ''}>` +
    cells(row)
      .map((c, i) => {
        const align = ` style="text-align:${i >= 1 + dims.length ? 'right' : 'left'}"`;
        const body = c.suppressed
          ? `<span class="fedomop-suppressed" title="${esc(SUPPRESSED_TITLE)}">${esc(c.text)}</span>`
          : esc(c.text);
        return `<td${align}>${body}</td>`;
      })
      .join('') +
    '</tr>';
  const html = [
    '<div class="fedomop-result">',
    // Above the table rather than its <caption>, which a narrow table would wrap word by word.
    `<p class="fedomop-caption" style="margin:0 0 0.3em">${esc(caption)}</p>`,
    '<table>',
    `<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${siteRows.map((r) => htmlRow(r, false, false)).join('')}${pooledRows.map((r, i) => htmlRow(r, true, i === 0)).join('')}</tbody>`,
    '</table>',
    rows.length === 0 ? '<p>No rows were released.</p>' : '',
    anySuppressed ? `<p><small>* ${esc(SUPPRESSED_TITLE)}.</small></p>` : '',
    failuresHtml(result),
    warningsHtml(result),
    '</div>',
  ].join('');

  const textRows = [...siteRows, ...pooledRows].map((r) => cells(r).map((c) => c.text));
  const text = [
    caption,
    textTable(header, textRows),
    anySuppressed ? `* ${SUPPRESSED_TITLE}` : '',
    ...result.failures.map((f) => `not included: ${f.site}: ${f.code}: ${f.message}`),
    ...result.warnings.map((w) => `warning: ${w.path}: ${w.message}`),
  ]
    .filter(Boolean)
    .join('\n');
  return { 'text/html': html, 'text/plain': text };
}

/** A released number, or for a withheld one its interval with a marker, e.g. "1–4*". */
function measureCell(row: PlainRow, m: (typeof MEASURES)[number]): Cell {
  const c = measureColumns(m);
  const value = row[c.value];
  if (row[c.suppressed] === true || value === null) {
    return { text: `${row[c.lower]}–${row[c.upper]}*`, suppressed: true };
  }
  return { text: String(value), suppressed: false };
}

function failuresHtml(result: FederatedResult): string {
  if (result.failures.length === 0) return '';
  const items = result.failures
    .map((f) => `<li><b>${esc(f.site)}</b>: <code>${esc(f.code)}</code> ${esc(f.message)}</li>`)
    .join('');
  return `<div class="fedomop-failures"><p>Not included (no answer):</p><ul>${items}</ul></div>`;
}

/** The hub's warnings about the plan: valid, so it ran, but probably not what was meant. */
function warningsHtml(result: FederatedResult): string {
  if (result.warnings.length === 0) return '';
  const items = result.warnings.map((w) => `<li><code>${esc(w.path)}</code>: ${esc(w.message)}</li>`).join('');
  return `<p><strong>Warnings about the plan</strong></p><ul class="fedomop-warnings">${items}</ul>`;
}
