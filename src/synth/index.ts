export { generateSite, DEFAULT_EVENTS_PER_PERSON } from './generate.js';
export type { SynthOptions, SynthReport } from './generate.js';
export { SYNTH_PROFILES, isSynthProfileName } from './profiles.js';
export type { SynthProfile, SynthProfileName, AgeBand } from './profiles.js';
export { CDM_TABLES, cdmColumns, createTableSql } from './ddl.js';
export type { CdmTableName, CdmColumn, CreateTableOptions, IdType } from './ddl.js';
export { CONCEPT, CONCEPTS, VOCABULARY_VERSION } from './vocabulary.js';
export type { ConceptDef } from './vocabulary.js';
