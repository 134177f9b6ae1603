/**
 * Inclusion-rule parts through the DOM: a correlated criterion's windows (both bounds, sides, the
 * index date, an end window added), its flags (distinct and by what, same visit, outside the observation
 * period), and a demographic criterion's attributes from the "+ attribute" menu (gender, race,
 * dates). Each action changes exactly its JSON path.
 */
import { Builder, click, cohortWith, rendered, type } from './builder-dom.spec-util.js';

const RULE = {
  name: 'Prior condition',
  expression: {
    Type: 'ALL',
    CriteriaList: [
      {
        Criteria: { ConditionOccurrence: { CodesetId: 0 } },
        StartWindow: { Start: { Coeff: -1 }, End: { Days: 1, Coeff: -1 }, UseEventEnd: false },
        Occurrence: { Type: 2, Count: 1 },
      },
    ],
    DemographicCriteriaList: [{ Age: { Value: 18, Op: 'gte' }, SomethingNew: 'kept' }],
    Groups: [],
  },
};

const C = 'InclusionRules[0].expression.CriteriaList[0]';
const D = 'InclusionRules[0].expression.DemographicCriteriaList[0]';

async function button(b: Builder, text: string): Promise<HTMLButtonElement> {
  await b.ready;
  return rendered(() => [...b.widget.node.querySelectorAll('button')].find((x) => x.textContent === text), text);
}

describe('correlated criterion windows and flags', () => {
  let b: Builder;
  afterEach(() => b.dispose());

  it('each bound, side and anchor of a window is edited in place; an end window is added', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }, [RULE]));
    type(await b.byLabel<HTMLInputElement>('Days before index'), '365');
    expect(b.changed()).toEqual([`${C}.StartWindow.Start.Days`]);
    type(await b.byLabel<HTMLInputElement>('Days before index'), '');
    expect(b.changed()).toEqual([`${C}.StartWindow.Start.Days`]); // "all": the key is gone again
    expect(b.json.InclusionRules![0].expression.CriteriaList![0].StartWindow!.Start).toEqual({ Coeff: -1 });
    type(await b.byLabel<HTMLInputElement>('Start window end days'), '0');
    expect(b.changed()).toEqual([`${C}.StartWindow.End.Days`]);
    type(await b.byLabel<HTMLSelectElement>('Start window end side'), '1');
    expect(b.changed()).toEqual([`${C}.StartWindow.End.Coeff`]);
    type(await b.byLabel<HTMLSelectElement>('Start window index date'), 'end');
    expect(b.changed()).toEqual([`${C}.StartWindow.UseIndexEnd`]);
    click(await button(b, '+ end window'));
    expect(b.changed()).toEqual([`${C}.EndWindow`]);
    type(await b.byLabel<HTMLInputElement>('End window end days'), '30');
    expect(b.changed()).toEqual([`${C}.EndWindow.End.Days`]);
    click(await b.byLabel('Remove start window'));
    expect(b.changed()).toEqual([`${C}.StartWindow`]);
    await button(b, '+ start window');
  });

  it('distinct, same visit and outside the observation period are checkboxes', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }, [RULE]));
    await b.ready;
    const box = async (label: string) =>
      rendered(
        () => [...b.widget.node.querySelectorAll('label')].find((l) => l.textContent?.trim() === label)?.querySelector('input'),
        label,
      );
    click(await box('distinct'));
    expect(b.changed()).toEqual([`${C}.Occurrence.IsDistinct`]);
    type(await b.byLabel<HTMLSelectElement>('Distinct by'), 'START_DATE');
    expect(b.changed()).toEqual([`${C}.Occurrence.CountColumn`]);
    click(await box('at the same visit'));
    expect(b.changed()).toEqual([`${C}.RestrictVisit`]);
    click(await box('even outside the observation period'));
    expect(b.changed()).toEqual([`${C}.IgnoreObservationPeriod`]);
  });
});

describe('demographic criterion attributes', () => {
  let b: Builder;
  afterEach(() => b.dispose());

  it('gender, race and an index date range come from the menu; unknown fields stay', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }, [RULE]));
    const demographic = await b.find('.jp-fedomop-cb-demographic');
    const menu = () => [...demographic.querySelectorAll('button')].find((x) => x.textContent === '+ attribute')!;
    click(menu());
    const items = [...(await b.find('.jp-fedomop-cb-demographic [role="menu"]')).querySelectorAll('[role="menuitem"]')].map(
      (li) => li.getAttribute('data-item'),
    );
    expect(items).toEqual([
      'Gender',
      'GenderCS',
      'Race',
      'RaceCS',
      'Ethnicity',
      'EthnicityCS',
      'OccurrenceStartDate',
      'OccurrenceEndDate',
    ]);
    click(await b.find('.jp-fedomop-cb-demographic [data-item="Gender"]'));
    expect(b.changed()).toEqual([`${D}.Gender`]);
    click(await button(b, '+ MALE'));
    expect(b.changed()).toEqual([`${D}.Gender`]);
    click(menu());
    click(await b.find('.jp-fedomop-cb-demographic [data-item="OccurrenceStartDate"]'));
    expect(b.changed()).toEqual([`${D}.OccurrenceStartDate`]);
    type(await b.byLabel<HTMLInputElement>('occurrence start date date'), '2012-03-04');
    expect(b.changed()).toEqual([`${D}.OccurrenceStartDate.Value`]);
    expect(b.json.InclusionRules![0].expression.DemographicCriteriaList![0]).toEqual({
      Age: { Value: 18, Op: 'gte' },
      SomethingNew: 'kept',
      Gender: [{ CONCEPT_ID: 8507, CONCEPT_NAME: 'MALE' }],
      OccurrenceStartDate: { Value: '2012-03-04', Op: 'gte' },
    });
    expect((await b.find('[data-attribute="SomethingNew"]')).getAttribute('data-unknown')).toBe('true');
  });
});
