/**
 * Loads a PREP or vocabulary file ({"cdm.<table>": [rows]}) into the conformance CDM: a column a
 * row leaves out is NULL, dates and timestamps arrive as text and are cast, and every value is a
 * bound parameter. A table or column the CDM DDL lacks is an error, so the DDL cannot silently
 * fall behind the fixtures.
 */
import type { Transaction } from '../../src/generate/database.js';
import type { CompiledQuery } from '../../src/sql/compiler.js';
import type { Dialect } from '../../src/sql/dialect.js';
import type { SqlType } from '../../src/sql/nodes.js';
import { cdmColumns, type ColumnType } from './cdm-ddl.js';

type DataFile = Record<string, Array<Record<string, unknown>>>;

const PARAM_TYPE: Record<ColumnType, SqlType> = {
  integer: 'integer',
  bigint: 'bigint',
  numeric: 'double',
  date: 'date',
  timestamp: 'text',
  text: 'text',
};

function convert(value: unknown, type: ColumnType, where: string): number | string | null {
  if (value === null || value === undefined) return null;
  if (type === 'text' || type === 'date' || type === 'timestamp') {
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`${where}: expected text, got ${JSON.stringify(value)}`);
    return String(value);
  }
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`${where}: expected a number, got ${JSON.stringify(value)}`);
  return n;
}

/** One INSERT per row: the fixtures are a few dozen rows, and rows of one table may name different columns. */
export function insertStatements(data: DataFile, dialect: Dialect, schema?: string): CompiledQuery[] {
  const out: CompiledQuery[] = [];
  for (const [key, rows] of Object.entries(data)) {
    const table = key.slice(key.indexOf('.') + 1).toLowerCase();
    const columns = cdmColumns(table);
    if (!columns) throw new Error(`data table ${key} is not in the conformance CDM DDL`);
    const types = new Map(columns.map((c) => [c.name, c.type]));
    const target = (schema ? `${dialect.quoteIdentifier(schema)}.` : '') + dialect.quoteIdentifier(table);
    rows.forEach((row, r) => {
      const names = Object.keys(row).map((n) => n.toLowerCase());
      const parameters: CompiledQuery['parameters'] = [];
      const parameterTypes: SqlType[] = [];
      const values = names.map((name, i) => {
        const type = types.get(name);
        if (!type) throw new Error(`column ${table}.${name} (in ${key}[${r}]) is not in the conformance CDM DDL`);
        parameters.push(convert(Object.values(row)[i], type, `${key}[${r}].${name}`));
        parameterTypes.push(PARAM_TYPE[type]);
        const ph = dialect.placeholder(parameters.length, PARAM_TYPE[type]);
        return type === 'timestamp' ? `CAST(${ph} AS TIMESTAMP)` : ph;
      });
      const cols = names.map((n) => dialect.quoteIdentifier(n)).join(', ');
      out.push({ sql: `INSERT INTO ${target} (${cols}) VALUES (${values.join(', ')})`, parameters, parameterTypes });
    });
  }
  return out;
}

export async function loadDataFile(tx: Transaction, data: DataFile, dialect: Dialect, schema?: string): Promise<number> {
  const statements = insertStatements(data, dialect, schema);
  for (const s of statements) await tx.query(s);
  return statements.length;
}
