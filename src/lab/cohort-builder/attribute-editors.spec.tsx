/**
 * The per-domain attribute editors as a researcher uses them: the builder's entry section rendered
 * into a jsdom document (a Lumino ReactWidget, as JupyterLab hosts it) over a real @jupyter/ydoc
 * shared text model; "+ attribute" menu, then each kind of editor typed into / clicked through the
 * DOM. After each action the file's JSON is diffed against the one before: exactly the attribute's
 * path changed. The catalogue side: every attribute the compiler runs is offered, and each editor's
 * starting value passes the plan validator.
 */
import { DOMAINS } from '../../circe/domains.js';
import { CRITERION_DOMAINS } from '../../circe/types.js';
import { validateCohortExpression } from '../../plan/validate.js';
import { attributeChoices, defaultAttributeValue } from './attribute-catalogue.js';
import { Builder, click, cohortWith, rendered, SETS, type } from './builder-dom.spec-util.js';

const A = 'PrimaryCriteria.CriteriaList[0]';

describe('attribute catalogue', () => {
  it('offers every attribute the compiler runs, in every domain, and each starting value validates', () => {
    for (const domain of CRITERION_DOMAINS) {
      const offered = attributeChoices(domain).map((c) => c.name);
      const compiled = Object.entries(DOMAINS[domain].attributes)
        .filter(([name]) => name !== 'CodesetId')
        .filter(([name]) => !Object.values(DOMAINS[domain].attributes).some((a) => a.excludeFlag === name))
        .map(([name]) => name);
      expect(offered).toEqual(compiled);
      for (const choice of attributeChoices(domain)) {
        const value = defaultAttributeValue(choice, SETS as never);
        const result = validateCohortExpression(JSON.parse(cohortWith({ [domain]: { [choice.name]: value } })));
        expect({ domain, attribute: choice.name, ok: result.ok, problems: result.ok ? [] : result.problems }).toEqual({
          domain,
          attribute: choice.name,
          ok: true,
          problems: [],
        });
      }
    }
  });
});

describe('attribute editors', () => {
  let b: Builder;
  afterEach(() => b.dispose());

  it('numeric range: added from the menu, its bound typed, its operator switched to between', async () => {
    b = new Builder(cohortWith({ DrugExposure: { CodesetId: 0 } }));
    await b.add('DaysSupply');
    expect(b.changed()).toEqual([`${A}.DrugExposure.DaysSupply`]);
    expect(b.json.PrimaryCriteria.CriteriaList[0]).toEqual({
      DrugExposure: { CodesetId: 0, DaysSupply: { Value: 0, Op: 'gt' } },
    });
    type(await b.byLabel<HTMLInputElement>('days supply value'), '30');
    expect(b.changed()).toEqual([`${A}.DrugExposure.DaysSupply.Value`]);
    type(await b.byLabel<HTMLSelectElement>('days supply operator'), 'bt');
    expect(b.changed().sort()).toEqual([`${A}.DrugExposure.DaysSupply.Extent`, `${A}.DrugExposure.DaysSupply.Op`]);
    click(await b.byLabel('Remove days supply range'));
    expect(b.changed()).toEqual([`${A}.DrugExposure.DaysSupply`]);
    expect(b.json.cdmVersionRange).toBe('>=5.0.0');
  });

  it('date range: operator and date typed in place', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }));
    await b.add('OccurrenceStartDate');
    b.changed();
    type(await b.byLabel<HTMLInputElement>('occurrence start date date'), '2015-06-30');
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.OccurrenceStartDate.Value`]);
    type(await b.byLabel<HTMLSelectElement>('occurrence start date operator'), 'lt');
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.OccurrenceStartDate.Op`]);
  });

  it('concept list: well-known concept by one click, another by id, exclusion flag, remove both', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }));
    await b.add('ConditionType');
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.ConditionType`]);
    type(await b.byLabel<HTMLInputElement>('condition type concept id'), '32020');
    (await b.byLabel<HTMLInputElement>('condition type concept id')).dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }),
    );
    await rendered(
      () =>
        b.json.PrimaryCriteria.CriteriaList[0] &&
        (b.json as never as { PrimaryCriteria: { CriteriaList: Array<{ ConditionOccurrence: { ConditionType: unknown[] } }> } })
          .PrimaryCriteria.CriteriaList[0].ConditionOccurrence.ConditionType.length === 1,
      'one concept',
    );
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.ConditionType`]);
    click(await b.byLabel('condition type: exclude'));
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.ConditionTypeExclude`]);
    expect(b.json.PrimaryCriteria.CriteriaList[0]).toEqual({
      ConditionOccurrence: { CodesetId: 0, ConditionType: [{ CONCEPT_ID: 32020 }], ConditionTypeExclude: true },
    });
    click(await b.byLabel('Remove condition type'));
    expect(b.changed().sort()).toEqual([
      `${A}.ConditionOccurrence.ConditionType`,
      `${A}.ConditionOccurrence.ConditionTypeExclude`,
    ]);

    await b.add('Gender');
    b.changed();
    const female = await rendered(
      () => [...b.widget.node.querySelectorAll('button')].find((x) => x.textContent === '+ FEMALE'),
      '+ FEMALE',
    );
    click(female);
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.Gender`]);
    expect(
      (b.json.PrimaryCriteria.CriteriaList[0] as never as { ConditionOccurrence: { Gender: unknown } }).ConditionOccurrence
        .Gender,
    ).toEqual([{ CONCEPT_ID: 8532, CONCEPT_NAME: 'FEMALE' }]);
  });

  it('codeset and concept-set selection: a concept set picked, exclusion ticked', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }));
    await b.add('ConditionSourceConcept');
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.ConditionSourceConcept`]);
    type(await b.byLabel<HTMLSelectElement>('condition source concept concept set'), '1');
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.ConditionSourceConcept`]);
    expect(
      (b.json.PrimaryCriteria.CriteriaList[0] as never as { ConditionOccurrence: Record<string, unknown> }).ConditionOccurrence
        .ConditionSourceConcept,
    ).toBe(1);
    await b.add('ProviderSpecialtyCS');
    b.changed();
    click(await b.byLabel('provider specialty: exclude'));
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.ProviderSpecialtyCS.IsExclusion`]);
  });

  it('text filter, flag, user-defined period and date adjustment', async () => {
    b = new Builder(cohortWith({ DrugExposure: { CodesetId: 0 } }));
    await b.add('LotNumber');
    b.changed();
    type(await b.byLabel<HTMLInputElement>('lot number text'), 'A1');
    expect(b.changed()).toEqual([`${A}.DrugExposure.LotNumber.Text`]);
    type(await b.byLabel<HTMLSelectElement>('lot number match'), '!startsWith');
    expect(b.changed()).toEqual([`${A}.DrugExposure.LotNumber.Op`]);

    await b.add('First');
    expect(b.changed()).toEqual([`${A}.DrugExposure.First`]);
    click(await b.byLabel('first'));
    expect(b.changed()).toEqual([`${A}.DrugExposure.First`]);
    expect(
      (b.json.PrimaryCriteria.CriteriaList[0] as never as { DrugExposure: Record<string, unknown> }).DrugExposure.First,
    ).toBe(false);

    await b.add('DateAdjustment');
    b.changed();
    type(await b.byLabel<HTMLInputElement>('Adjusted start offset days'), '7');
    expect(b.changed()).toEqual([`${A}.DrugExposure.DateAdjustment.StartOffset`]);
    b.dispose();

    b = new Builder(cohortWith({ ObservationPeriod: {} }));
    await b.add('UserDefinedPeriod');
    b.changed();
    type(await b.byLabel<HTMLInputElement>('user defined period start'), '2012-01-01');
    expect(b.changed()).toEqual([`${A}.ObservationPeriod.UserDefinedPeriod.StartDate`]);
    expect(validateCohortExpression(b.json).ok).toBe(true);
  });

  it('nested criteria: the event must itself meet a group, edited like any group', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }));
    await b.add('CorrelatedCriteria');
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.CorrelatedCriteria`]);
    const nested = await b.find('[data-attribute="CorrelatedCriteria"]');
    const plus = [...nested.querySelectorAll('button')].find((x) => x.textContent === '+ demographic')!;
    click(plus);
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.CorrelatedCriteria.DemographicCriteriaList`]);
    type(nested.querySelector<HTMLSelectElement>('[aria-label="Group type"]')!, 'ANY');
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.CorrelatedCriteria.Type`]);
  });

  it('attributes the compiler does not know are shown as kept and survive other edits', async () => {
    b = new Builder(cohortWith({ Measurement: { CodesetId: 0, SomeAtlasFutureField: { x: 1 } } }));
    const kept = await b.find('[data-attribute="SomeAtlasFutureField"]');
    expect(kept.getAttribute('data-unknown')).toBe('true');
    await b.add('ValueAsNumber');
    expect(b.changed()).toEqual([`${A}.Measurement.ValueAsNumber`]);
    expect(
      (b.json.PrimaryCriteria.CriteriaList[0] as never as { Measurement: Record<string, unknown> }).Measurement
        .SomeAtlasFutureField,
    ).toEqual({ x: 1 });
  });

  it('the menu offers only attributes the criterion lacks, and concept-set ones wait for a concept set', async () => {
    b = new Builder(cohortWith({ Death: { CodesetId: 0, Age: { Value: 50, Op: 'gte' } } }));
    await b.ready;
    const button = await rendered(
      () => [...b.widget.node.querySelectorAll('button')].find((x) => x.textContent === '+ attribute'),
      '+ attribute',
    );
    click(button);
    const items = [...(await b.find('[role="menu"]')).querySelectorAll('[role="menuitem"]')].map((li) =>
      li.getAttribute('data-item'),
    );
    expect(items).not.toContain('Age');
    expect(items).not.toContain('First'); // circe's Death has no First
    expect(items).toContain('DeathSourceConcept');
  });
});

describe('keyboard: the "+ attribute" menu', () => {
  let b: Builder;
  afterEach(() => b.dispose());

  const key = (el: Element, k: string) => el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));

  it('↓ opens with focus on the first item, ↓ moves, Escape closes and gives focus back, Enter picks', async () => {
    b = new Builder(cohortWith({ ProcedureOccurrence: { CodesetId: 0 } }));
    await b.ready;
    const button = await rendered(
      () => [...b.widget.node.querySelectorAll('button')].find((x) => x.textContent === '+ attribute'),
      '+ attribute',
    );
    button.focus();
    key(button, 'ArrowDown');
    const menu = await b.find('[role="menu"]');
    const items = () => [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    await rendered(() => document.activeElement === items()[0], 'focus on the first item');
    key(document.activeElement!, 'ArrowDown');
    await rendered(() => document.activeElement === items()[1], 'focus on the second item');
    key(document.activeElement!, 'ArrowUp');
    key(document.activeElement!, 'ArrowUp'); // wraps to the last
    await rendered(() => document.activeElement === items()[items().length - 1], 'focus on the last item');
    key(document.activeElement!, 'Escape');
    await rendered(() => (b.widget.node.querySelector('[role="menu"]') ? null : true), 'menu closed');
    expect(document.activeElement).toBe(button);
    expect(button.getAttribute('aria-expanded')).toBe('false');

    key(button, 'ArrowDown');
    await rendered(() => (document.activeElement?.getAttribute('role') === 'menuitem' ? true : null), 'menu open again');
    const first = document.activeElement!.getAttribute('data-item')!;
    key(document.activeElement!, 'Enter');
    await b.find(`[data-attribute="${first}"]`);
    expect(b.changed()).toEqual([`${A}.ProcedureOccurrence.${first}`]);
    expect(document.activeElement).toBe(button);
  });
});
