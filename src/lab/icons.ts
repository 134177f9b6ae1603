import { LabIcon } from '@jupyterlab/ui-components';

/** Three sites feeding one hub. Fill classes let JupyterLab recolour it for light and dark themes. */
const FEDERATED_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <circle cx="12" cy="12" r="3.2"/>
    <circle cx="4" cy="5" r="2.4"/>
    <circle cx="20" cy="5" r="2.4"/>
    <circle cx="12" cy="21" r="2.4"/>
    <path d="M5.3 6.4 9.9 10.3l-.9 1.1L4.4 7.5zM18.7 6.4l.9 1.1-4.6 3.9-.9-1.1zM11.3 15h1.4v4h-1.4z"/>
  </g>
</svg>`;

export const federatedIcon = new LabIcon({ name: 'fedomop:federated', svgstr: FEDERATED_SVG });

/** A cohort: a group of people inside a funnel, for `.cohort.json` files and the builder. */
const COHORT_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon-brand1" fill="#7b1fa2">
    <path d="M2 3h20l-7.5 9v7.5l-5 2.5V12z" opacity=".35"/>
    <circle cx="8" cy="7" r="2.2"/>
    <circle cx="12" cy="5.5" r="2.2"/>
    <circle cx="16" cy="7" r="2.2"/>
  </g>
</svg>`;

export const cohortIcon = new LabIcon({ name: 'fedomop:cohort', svgstr: COHORT_SVG });

/** A book of concepts: the concept browser in the left sidebar. */
const CONCEPTS_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M4 3h11a3 3 0 0 1 3 3v15H7a3 3 0 0 1-3-3zm2 2v13a1 1 0 0 0 1 1h9V6a1 1 0 0 0-1-1z"/>
    <circle cx="16.5" cy="15.5" r="3.2" fill="none" stroke="#616161" stroke-width="1.6"/>
    <path d="m18.8 17.8 2.8 2.8-1.1 1.1-2.8-2.8z"/>
    <path d="M8 8h6v1.5H8zM8 11h4v1.5H8z"/>
  </g>
</svg>`;

export const conceptsIcon = new LabIcon({ name: 'fedomop:concepts', svgstr: CONCEPTS_SVG });
