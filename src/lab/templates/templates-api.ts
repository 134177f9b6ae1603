/**
 * The server extension's templates API (fedomop/templates.py), and the one decision the "New from
 * template" dialog makes: which cohort the new notebook loads.
 */
import type { CirceExpression } from '../../circe/types.js';
import { requestServer } from '../request.js';

export interface NotebookTemplate {
  id: string;
  title: string;
  description: string;
  kernel: string;
  kernelDisplayName: string;
  language: string;
}

export interface CreatedNotebook {
  path: string;
  cohortPath: string;
  kernel: string;
}

/** Where the new notebook's cohort comes from. */
export type CohortChoice =
  { kind: 'sample' } | { kind: 'file'; path: string } | { kind: 'panel'; cohort: CirceExpression; label: string };

export async function listTemplates(): Promise<NotebookTemplate[]> {
  return (await requestServer<{ templates: NotebookTemplate[] }>('templates')).templates;
}

export function createFromTemplate(template: string, directory: string, cohort: CohortChoice): Promise<CreatedNotebook> {
  const body: Record<string, unknown> = { template, directory };
  if (cohort.kind === 'file') body.cohortPath = cohort.path;
  if (cohort.kind === 'panel') body.cohort = cohort.cohort;
  return requestServer<CreatedNotebook>('templates', { method: 'POST', body: JSON.stringify(body) });
}

/** A selected `.cohort.json` file first, then the query panel's cohort, then the sample. */
export function cohortChoices(selectedFiles: string[], panelCohort: CirceExpression | null): CohortChoice[] {
  const choices: CohortChoice[] = selectedFiles.filter((p) => p.endsWith('.cohort.json')).map((path) => ({ kind: 'file', path }));
  if (panelCohort) choices.push({ kind: 'panel', cohort: panelCohort, label: 'the query panel’s cohort' });
  choices.push({ kind: 'sample' });
  return choices;
}

export function describeChoice(choice: CohortChoice): string {
  if (choice.kind === 'file') return choice.path;
  if (choice.kind === 'panel') return choice.label;
  return 'the sample cohort (prostate cancer, first diagnosis)';
}
