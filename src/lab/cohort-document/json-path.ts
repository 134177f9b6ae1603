/**
 * Paths into a Circe expression, and copy-on-write updates along them. An edit copies only the
 * objects on its path and shares everything else, so "one edit changes exactly that part" holds by
 * construction, and the spec can check it by diffing. Paths print as the plan validator writes its
 * problems' paths (`InclusionRules[0].expression.CriteriaList[1]`), so a problem finds its part.
 */
export type PathKey = string | number;
export type JsonPath = readonly PathKey[];

/** `['InclusionRules', 0, 'expression']` → `InclusionRules[0].expression`. */
export function pathString(path: JsonPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

export function getIn(value: unknown, path: JsonPath): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathKey, unknown>)[key];
  }
  return v;
}

/**
 * A copy of `root` with the value at `path` replaced by `update(old)`; `undefined` from update
 * deletes an object key (or removes an array element). Missing containers on the way are created
 * (arrays where the next key is a number).
 */
export function updateIn<T>(root: T, path: JsonPath, update: (old: unknown) => unknown): T {
  if (path.length === 0) return update(root) as T;
  const [key, ...rest] = path;
  const base: unknown = root ?? (typeof key === 'number' ? [] : {});
  if (Array.isArray(base)) {
    const copy = base.slice();
    const next = updateIn(copy[key as number], rest, update);
    if (next === undefined && rest.length === 0) copy.splice(key as number, 1);
    else copy[key as number] = next;
    return copy as T;
  }
  const copy = { ...(base as Record<string, unknown>) };
  const next = updateIn(copy[key as string], rest, update);
  if (next === undefined && rest.length === 0) delete copy[key as string];
  else copy[key as string] = next;
  return copy as T;
}

export function setIn<T>(root: T, path: JsonPath, value: unknown): T {
  return updateIn(root, path, () => value);
}

export function deleteIn<T>(root: T, path: JsonPath): T {
  return updateIn(root, path, () => undefined);
}

/**
 * Every path where `a` and `b` differ, as deep as both sides are objects of the same shape: a
 * changed leaf gives its own path, an added or removed key its key's path. For specs and for
 * telling the researcher what an edit touched.
 */
export function diffPaths(a: unknown, b: unknown, path: PathKey[] = []): string[] {
  if (Object.is(a, b)) return [];
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects = isPlainObject(a) && isPlainObject(b);
  if (!bothArrays && !bothObjects) return [pathString(path)];
  if (bothArrays && (a as unknown[]).length !== (b as unknown[]).length) return [pathString(path)];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  const out: string[] = [];
  for (const k of keys) {
    const key = bothArrays ? Number(k) : k;
    out.push(...diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], [...path, key]));
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
