/**
 * The body of the "New from template" dialog: which cohort the new notebook should load. A plain
 * select, so it works from the keyboard and reads well in both themes.
 */
import { ReactWidget } from '@jupyterlab/apputils';
import * as React from 'react';
import { describeChoice, type CohortChoice, type NotebookTemplate } from './templates-api.js';

export class NewFromTemplateBody extends ReactWidget {
  private chosen = 0;

  constructor(
    private readonly template: NotebookTemplate,
    private readonly choices: CohortChoice[],
    private readonly directory: string,
  ) {
    super();
    this.addClass('jp-fedomop-new-from-template');
  }

  getValue(): CohortChoice {
    return this.choices[this.chosen];
  }

  protected render(): React.ReactElement {
    return (
      <div>
        <p>{this.template.description}</p>
        <label>
          Cohort{' '}
          <select
            aria-label="Cohort"
            defaultValue={0}
            onChange={(e) => {
              this.chosen = Number(e.currentTarget.value);
            }}
          >
            {this.choices.map((c, i) => (
              <option key={i} value={i}>
                {describeChoice(c)}
              </option>
            ))}
          </select>
        </label>
        <p>
          Creates a {this.template.kernelDisplayName || this.template.language} notebook in{' '}
          <code>{this.directory || 'the top folder'}</code>.
        </p>
      </div>
    );
  }
}
