export { cohortEventCtes, COHORT_EVENTS, limitType } from './primary-events.js';
export { DOMAIN_TABLES } from './domains.js';
