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
