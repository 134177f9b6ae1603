/**
 * The first, shape-blind pass over an untrusted value: is it JSON at all (no functions, NaN,
 * class instances), how deep, how long its strings, and how many bytes it would be as compact
 * JSON. It walks at most `maxDepth` levels and stops counting bytes once over the limit, so a
 * huge or cyclic value costs no more than a legal plan.
 */
import type { PlanLimits } from './limits.js';
import { at, type ProblemList } from './problems.js';

export interface ScanResult {
  /** Compact-JSON bytes counted so far; only exact when not `tooLarge`. */
  bytes: number;
  tooLarge: boolean;
}

class TooLarge extends Error {}

/** UTF-8 bytes of `s` as a JSON string literal, quotes and escapes included. */
export function jsonStringBytes(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x0c || c === 0x0a || c === 0x0d || c === 0x09) n += 2;
    else if (c < 0x20) n += 6;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff)
      n += 6; // a lone surrogate, escaped by JSON.stringify
    else n += 3;
  }
  return n;
}

export function scanJson(value: unknown, limits: PlanLimits, problems: ProblemList): ScanResult {
  let bytes = 0;
  const add = (n: number) => {
    bytes += n;
    if (bytes > limits.maxPlanBytes) throw new TooLarge();
  };

  const checkString = (s: string, path: string, what: string) => {
    // Work per string stays bounded: a string longer than the byte limit is too large whatever it holds.
    if (s.length > limits.maxPlanBytes) throw new TooLarge();
    if (s.length > limits.maxStringLength) {
      problems.invalid(path, `${what} is ${s.length} characters long; the limit is ${limits.maxStringLength}`);
    }
    add(jsonStringBytes(s));
  };

  const walk = (v: unknown, path: string, depth: number): void => {
    switch (typeof v) {
      case 'string':
        return checkString(v, path, 'text');
      case 'boolean':
        return add(v ? 4 : 5);
      case 'number':
        if (!Number.isFinite(v)) {
          problems.invalid(path, `${v} is not a JSON number`);
          return add(4);
        }
        return add(String(v).length);
      case 'object':
        break;
      default:
        problems.invalid(path, `${v === undefined ? 'undefined' : `a ${typeof v}`} is not a JSON value`);
        return add(4);
    }
    if (v === null) return add(4);
    if (depth > limits.maxDepth) {
      problems.invalid(path, `nesting is deeper than ${limits.maxDepth} levels`);
      return add(2);
    }
    if (Array.isArray(v)) {
      add(2);
      for (let i = 0; i < v.length; i++) {
        if (i > 0) add(1);
        if (v[i] === undefined) {
          problems.invalid(at(path, i), 'a list entry is missing (undefined is not a JSON value)');
          add(4);
        } else walk(v[i], at(path, i), depth + 1);
      }
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
      problems.invalid(path, `${typeof name === 'string' && name ? `a ${name}` : 'this object'} is not plain JSON`);
      return add(4);
    }
    add(2);
    let first = true;
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      const child = (v as Record<string, unknown>)[key];
      // JSON.stringify drops undefined members; they still cost a scan, so they count toward the limit.
      if (child === undefined) {
        add(key.length);
        continue;
      }
      if (!first) add(1);
      first = false;
      checkString(key, at(path, key), 'field name');
      add(1);
      walk(child, at(path, key), depth + 1);
    }
  };

  try {
    walk(value, '', 1);
    return { bytes, tooLarge: false };
  } catch (e) {
    if (e instanceof TooLarge) return { bytes, tooLarge: true };
    throw e;
  }
}

/** UTF-8 length of text without allocating an encoded copy. */
export function utf8Bytes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
