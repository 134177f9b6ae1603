/** Every command fedomop registers, in one place so menus, tests and other plugins agree on the ids. */
export enum CommandIDs {
  openQueryPanel = 'fedomop:open-query-panel',
  runQuery = 'fedomop:run-query',
  cancelQuery = 'fedomop:cancel-query',
  openInNotebook = 'fedomop:open-in-notebook',
  newFromTemplate = 'fedomop:new-from-template',
  signIn = 'fedomop:sign-in',
  signOut = 'fedomop:sign-out',
  newCohort = 'fedomop:new-cohort',
  cohortUndo = 'fedomop:cohort-undo',
  cohortRedo = 'fedomop:cohort-redo',
  cohortUseInNotebook = 'fedomop:cohort-use-in-notebook',
  cohortSendToPanel = 'fedomop:cohort-send-to-query-panel',
  openConceptBrowser = 'fedomop:open-concept-browser',
}

/** The palette and launcher category. */
export const CATEGORY = 'Federated analysis';

/** The launcher and palette category of the shared notebook templates. */
export const TEMPLATES_CATEGORY = 'fedomop templates';
