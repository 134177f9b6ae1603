/**
 * Reading `--expression`: a file holding either a bare Circe expression or an ATLAS cohort
 * definition (`{name, expression: {...}}`, where older WebAPI versions put the expression in as a
 * JSON string). Syntax errors name the line and column, because the file is usually hand-edited.
 */
import { readFile } from 'node:fs/promises';
import { FedomopError } from '../errors.js';
import { jsonErrorOffset } from './json-error-offset.js';

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** JSON.parse with the position V8 reports turned into line:column. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const { line, column } = lineColumn(text, jsonErrorOffset(text) ?? text.length);
    // V8's message may quote the whole text or a position; the line:column above says where.
    const reason = message
      .replace(/\s*(in JSON )?at position \d+.*$/, '')
      .replace(/, ".*" is not valid JSON$/s, '')
      .replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    throw new FedomopError('ERR_PLAN_INVALID', `${source}:${line}:${column}: JSON syntax error: ${reason}`, {
      line,
      column,
    });
  }
}

/** The Circe expression inside what the file holds: the value itself or an ATLAS wrapper's `.expression`. */
export function unwrapCohortDefinition(value: unknown, source: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  if ('PrimaryCriteria' in v || !('expression' in v)) return value;
  if (typeof v.expression === 'string') return parseJsonText(v.expression, `${source} (.expression)`);
  return v.expression;
}

export async function readExpressionFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new FedomopError('ERR_BAD_REQUEST', `cannot read expression ${path}: ${why}`, {}, { cause: err });
  }
  // Editors on Windows save JSON with a byte-order mark, which JSON.parse rejects.
  return unwrapCohortDefinition(parseJsonText(text.replace(/^\uFEFF/, ''), path), path);
}
