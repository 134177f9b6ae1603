/**
 * RFC 6902 JSON Patch, the three operations the manifest uses (add, replace, remove), strict:
 * replace and remove need an existing target, as the RFC says, so a patch that no longer fits
 * its file fails loudly instead of quietly changing something else.
 */
export interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

type Container = Record<string, unknown> | unknown[];

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean, path: string): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`bad array index "${token}" in ${path}`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new Error(`array index ${i} out of range in ${path}`);
  return i;
}

/** Applies `ops` in order to a deep copy of `doc` and returns the copy. */
export function applyPatch<T>(doc: T, ops: readonly PatchOp[]): T {
  let root: unknown = structuredClone(doc);
  for (const { op, path, value } of ops) {
    if (path === '') {
      if (op === 'remove') throw new Error('cannot remove the whole document');
      root = structuredClone(value);
      continue;
    }
    if (!path.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${path}`);
    const tokens = path.slice(1).split('/').map(unescape);
    const last = tokens.pop()!;
    let parent: unknown = root;
    for (const token of tokens) {
      const next = Array.isArray(parent)
        ? parent[arrayIndex(parent, token, false, path)]
        : parent !== null && typeof parent === 'object'
          ? (parent as Record<string, unknown>)[token]
          : undefined;
      if (next === undefined || next === null || typeof next !== 'object') throw new Error(`${op}: no container at ${path}`);
      parent = next;
    }
    const target = parent as Container;
    if (Array.isArray(target)) {
      const i = arrayIndex(target, last, op === 'add', path);
      if (op === 'add') target.splice(i, 0, structuredClone(value));
      else if (op === 'replace') target[i] = structuredClone(value);
      else if (op === 'remove') target.splice(i, 1);
      else throw new Error(`unsupported patch op "${op}"`);
    } else {
      const exists = Object.prototype.hasOwnProperty.call(target, last);
      if ((op === 'replace' || op === 'remove') && !exists) throw new Error(`${op}: nothing at ${path}`);
      if (op === 'add' || op === 'replace') target[last] = structuredClone(value);
      else if (op === 'remove') delete target[last];
      else throw new Error(`unsupported patch op "${op}"`);
    }
  }
  return root as T;
}
