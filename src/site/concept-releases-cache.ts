/**
 * The published concept sets of one k, cached beside the site's release histories (mode 0600: the
 * cell keys and true counts in it are as sensitive as the data), so a restarted site does not make
 * the person-keyed pass again (2 min wall on a 1M-person file under load). The cache key is the
 * database file's identity and a fingerprint of the site secret (a hash of one record key: it says
 * whether the secret changed, not what it is); anything else is rebuilt.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeSignature, encodeSignature } from '../disclosure/person-set.js';
import type { RecordKeys } from '../disclosure/record-keys.js';
import { signed } from '../disclosure/set-index.js';
import { PUBLISHED, PublishedConcepts, type ConceptTruth } from './concept-releases.js';

const VERSION = 1;

interface CacheFile {
  version: number;
  key: string;
  k: number;
  /** [concept id, persons, person key, records, record key, widened 0/1] */
  truths: Array<[number, number, number, number, number, number]>;
  /** [concept id, persons, signature (base64)] */
  sets: Array<[number, number, string]>;
}

export function secretFingerprint(keys: RecordKeys): string {
  const words = keys.derive(BigInt64Array.of(-0x666564n));
  return createHash('sha256').update(new Uint8Array(words.buffer)).digest('hex').slice(0, 16);
}

export const cachePath = (dir: string, k: number) => path.join(dir, `concept-sets-k${k}.json`);

export async function writePublishedCache(file: string, key: string, p: PublishedConcepts): Promise<void> {
  const body: CacheFile = { version: VERSION, key, k: p.k, truths: [], sets: [] };
  for (const [id, t] of p.entries()) body.truths.push([id, t.persons, t.personKey, t.records, t.recordKey, t.widened ? 1 : 0]);
  for (const s of p.sets.entries()) body.sets.push([Number(s.cell.slice('concept '.length)), s.n, encodeSignature(s.signature)]);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(body), { mode: 0o600 });
  await rename(tmp, file);
}

export async function readPublishedCache(file: string, key: string, k: number): Promise<PublishedConcepts | undefined> {
  let body: CacheFile;
  try {
    body = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
  if (body.version !== VERSION || body.key !== key || body.k !== k) return undefined;
  const truths = new Map<number, ConceptTruth>();
  for (const [id, persons, personKey, records, recordKey, widened] of body.truths)
    truths.set(id, { persons, personKey, records, recordKey, widened: widened === 1 });
  const p = new PublishedConcepts(k, truths);
  for (const [id, n, sig] of body.sets)
    p.sets.add({ n, ...signed(decodeSignature(sig)), planHash: PUBLISHED, cell: `concept ${id}`, time: 0 });
  return p;
}
