export { compile } from './compiler.js';
export type { CompiledQuery } from './compiler.js';
export { dialectByName, duckdbDialect, postgresDialect } from './dialect.js';
export type { Dialect, DialectName } from './dialect.js';
export type { QueryNode, SqlType } from './nodes.js';
