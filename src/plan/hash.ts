/**
 * The plan hash names "this exact question" in result metadata, query stores and audit logs, so
 * it must not depend on who serialised the plan: keys are sorted and whitespace dropped before
 * hashing. For JSON data this output matches RFC 8785 (JCS): ECMAScript number and string
 * serialisation, keys ordered by UTF-16 code units.
 */
import { FedomopError } from '../errors.js';
import type { Plan } from './types.js';

export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not a JSON value`);
  }
  if (value === null) return 'null';
  if (ancestors.has(value)) throw new TypeError('canonicalJson: the value contains a cycle');
  ancestors.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[' + value.map((v) => (v === undefined ? 'null' : write(v, ancestors))).join(',') + ']';
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError('canonicalJson: only plain objects are JSON');
    const obj = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order JCS prescribes.
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    out = '{' + keys.map((k) => JSON.stringify(k) + ':' + write(obj[k], ancestors)).join(',') + '}';
  }
  ancestors.delete(value);
  return out;
}

/** Lower-case hex SHA-256 of the plan's canonical JSON (UTF-8). */
export async function planHash(plan: Plan): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new FedomopError('ERR_INTERNAL', 'planHash needs WebCrypto (globalThis.crypto.subtle), which this runtime lacks');
  }
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(plan)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
