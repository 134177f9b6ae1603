/**
 * Shows a running query's per-site progress: in a notebook one live block updated in place, elsewhere
 * one console line per site state change, so scripts and logs still say what is happening.
 */
import type { HubIteration, ProgressSnapshot, SiteStatus } from '../client/index.js';
import { iterationLabel } from '../client/iteration.js';
import { esc, textTable } from './html.js';
import { LiveDisplay, jupyterKernel, type MediaBundle } from './jupyter.js';

const STATE_MARK: Record<SiteStatus['state'], string> = {
  queued: '…',
  running: '⏳',
  done: '✔',
  failed: '✖',
  timeout: '⌛',
  cancelled: '⊘',
};

export interface ProgressView {
  update(snapshot: ProgressSnapshot): void;
  /** Resolves once the last update has been sent (so it lands before the result is displayed). */
  close(): Promise<void>;
}

export function progressView(label: string, log: (line: string) => void = console.log): ProgressView {
  const kernel = jupyterKernel();
  return kernel
    ? new NotebookProgress(new LiveDisplay(kernel, `fedomop-progress-${crypto.randomUUID()}`), label)
    : new ConsoleProgress(label, log);
}

class NotebookProgress implements ProgressView {
  private readonly started = Date.now();

  constructor(
    private readonly display: LiveDisplay,
    private readonly label: string,
  ) {}

  private lastHtml = '';

  /** Several snapshots can render alike (an event and its batch); only changes are sent. */
  update(snapshot: ProgressSnapshot): void {
    const bundle = renderProgress(this.label, snapshot, Date.now() - this.started);
    if (bundle['text/html'] === this.lastHtml) return;
    this.lastHtml = String(bundle['text/html']);
    this.display.show(bundle);
  }

  close(): Promise<void> {
    return this.display.flushed();
  }
}

class ConsoleProgress implements ProgressView {
  private readonly last = new Map<string, string>();

  constructor(
    private readonly label: string,
    private readonly log: (line: string) => void,
  ) {}

  update(snapshot: ProgressSnapshot): void {
    for (const [site, s] of Object.entries(snapshot.sites)) {
      const line = siteSummary(s);
      if (this.last.get(site) === line) continue;
      this.last.set(site, line);
      this.log(`[fedomop ${this.label}] ${site}: ${line}`);
    }
    if (snapshot.iteration) {
      const line = iterationLine(snapshot.iteration);
      if (this.last.get('\0iteration') === line) return;
      this.last.set('\0iteration', line);
      this.log(`[fedomop ${this.label}] hub: ${line}`);
    }
  }

  async close(): Promise<void> {}
}

export function renderProgress(label: string, snapshot: ProgressSnapshot, elapsedMs: number): MediaBundle {
  const entries = Object.entries(snapshot.sites);
  const finished = entries.filter(([, s]) => s.state !== 'queued' && s.state !== 'running').length;
  const headline = snapshot.done
    ? `${label}: finished in ${(elapsedMs / 1000).toFixed(1)} s`
    : `${label}: ${finished} of ${entries.length} sites answered`;
  const rows = entries
    .map(([site, s]) => `<tr><td>${STATE_MARK[s.state]}</td><td>${esc(site)}</td><td>${esc(siteSummary(s))}</td></tr>`)
    .join('');
  const iteration = snapshot.iteration ? iterationLine(snapshot.iteration) : '';
  const html =
    `<div class="fedomop-progress"><div><b>${esc(headline)}</b></div>` +
    (iteration ? `<div class="fedomop-iteration">${esc(iteration)}</div>` : '') +
    `<table><tbody>${rows}</tbody></table></div>`;
  const text = `${headline}${iteration ? `\n${iteration}` : ''}\n${textTable(
    ['', 'site', 'state'],
    entries.map(([site, s]) => [STATE_MARK[s.state], site, siteSummary(s)]),
  )}`;
  return { 'text/html': html, 'text/plain': text };
}

/**
 * "glm iteration 3 · deviance 512.3": the hub's rounds, so a long fit shows it is moving. A GLM
 * says which model: its own iterations, then "null model iteration 2 (model: 5 iterations)".
 */
export function iterationLine(it: HubIteration): string {
  const deviance = it.deviance === undefined ? '' : ` · deviance ${Number(it.deviance.toPrecision(8))}`;
  return `${iterationLabel(it)}${deviance}`;
}

function siteSummary(s: SiteStatus): string {
  const parts: string[] = [s.state];
  if (s.rows !== undefined) parts.push(`${s.rows} row${s.rows === 1 ? '' : 's'}`);
  if (s.elapsedMs !== undefined) parts.push(`${s.elapsedMs} ms`);
  if (s.error) parts.push(`${s.error.code}: ${s.error.message}`);
  return parts.join(' · ');
}
