/**
 * The "New from template" dialog body (a React component in a ReactWidget) in jsdom: it offers the
 * cohort choices in order and hands back the one the researcher picked.
 */
import { framePromise } from '@jupyterlab/testing';
import { Widget } from '@lumino/widgets';
import { NewFromTemplateBody } from './NewFromTemplate.js';
import { cohortChoices, type NotebookTemplate } from './templates-api.js';

const template: NotebookTemplate = {
  id: 'characterisation-python',
  title: 'Characterisation (Python)',
  description: 'Age, sex and follow-up of a cohort, per site and pooled.',
  kernel: 'python3',
  kernelDisplayName: 'Python 3',
  language: 'python',
};

async function select(body: Widget): Promise<HTMLSelectElement> {
  for (let i = 0; i < 100; i++) {
    const found = body.node.querySelector<HTMLSelectElement>('select[aria-label="Cohort"]');
    if (found) return found;
    await framePromise();
  }
  throw new Error('the cohort select never rendered');
}

describe('NewFromTemplateBody', () => {
  const choices = cohortChoices(['studies/prostate.cohort.json', 'notes.txt'], null);
  let body: NewFromTemplateBody;

  beforeEach(() => {
    body = new NewFromTemplateBody(template, choices, 'studies');
    Widget.attach(body, document.body);
  });

  afterEach(() => body.dispose());

  it('lists the selected cohort file first, then the sample, and says where the notebook goes', async () => {
    const options = [...(await select(body)).options].map((o) => o.textContent);
    expect(options).toStrictEqual(['studies/prostate.cohort.json', 'the sample cohort (prostate cancer, first diagnosis)']);
    expect(body.node.textContent).toMatch(/Creates a Python 3 notebook in studies\./);
    expect(body.node.textContent).toContain(template.description);
    expect(body.getValue()).toStrictEqual({ kind: 'file', path: 'studies/prostate.cohort.json' });
  });

  it('hands back the cohort the researcher picks', async () => {
    const box = await select(body);
    box.value = '1';
    box.dispatchEvent(new Event('change', { bubbles: true }));
    expect(body.getValue()).toStrictEqual({ kind: 'sample' });
  });
});
