/** Analysis variables: plan types, validation, and compilation to the site's SQL. */
export type {
  AgeAtIndexVariable,
  ConceptSetRef,
  DayWindow,
  DeathVariable,
  GenderVariable,
  IndexYearVariable,
  MeasurementPick,
  MeasurementVariable,
  OccurrenceDomain,
  OccurrenceVariable,
  TimeToEvent,
  TimeToVariable,
  VariableKind,
  VariableSpec,
  VariableType,
  Variables,
} from './types.js';
export { VARIABLE_KINDS } from './types.js';
export { MAX_VARIABLES, MAX_WINDOW_DAYS, VARIABLE_NAME, validateVariables } from './validate.js';
export type { CompiledVariables, VariableColumn } from './compile.js';
export {
  VARIABLE_INDEX,
  VARIABLE_ROWS,
  VARIABLE_VALUES,
  compileVariables,
  completeCasesQuery,
  variableRowsQuery,
  variableValuesQuery,
} from './compile.js';
