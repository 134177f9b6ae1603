/**
 * The built concept index on disk, next to the database file (`<db>.concept-index`): on a full
 * vocabulary a build reads millions of rows, a cached index is one file read. The file is trusted
 * only when its key (the database file's identity: device, inode, size, mtime; and the format
 * version) matches, so a replaced or edited database is indexed afresh. Written to a temporary name
 * and renamed, so a reader never sees half a file; a site that cannot write there just builds each
 * time (logged once).
 *
 * Layout: 8-byte little-endian header length, the JSON header (string arrays, and for every typed
 * array its constructor and byte range), then the arrays' bytes, each 8-byte aligned.
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { PackedText } from './grow.js';
import { ConceptIndex, type IndexParts } from './concept-index.js';

const FORMAT = 'fedomop-concept-index-1';

type ArrayKind = 'Float64Array' | 'Uint32Array' | 'Uint16Array' | 'Uint8Array';
const CTORS = { Float64Array, Uint32Array, Uint16Array, Uint8Array } as const;

interface Header {
  format: string;
  key: string;
  strings: Record<string, string[]>;
  triIds: [string, number][];
  arrays: Record<string, { kind: ArrayKind; offset: number; length: number }>;
}

export async function cacheKeyOf(dbPath: string): Promise<string> {
  const s = await stat(dbPath, { bigint: true });
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
}

/** The parts as flat named arrays (packed texts become two arrays each). */
function flatten(p: IndexParts): { strings: Header['strings']; arrays: Record<string, ArrayBufferView> } {
  const arrays: Record<string, ArrayBufferView> = {};
  const strings: Header['strings'] = {};
  for (const [name, value] of Object.entries(p)) {
    if (value instanceof PackedText) {
      arrays[`${name}.buf`] = new Uint8Array(value.buf.buffer, value.buf.byteOffset, value.buf.byteLength);
      arrays[`${name}.offsets`] = value.offsets;
    } else if (ArrayBuffer.isView(value)) {
      arrays[name] = value;
    } else if (Array.isArray(value)) {
      strings[name] = value as string[];
    }
  }
  return { strings, arrays };
}

export async function writeIndexCache(path: string, key: string, index: ConceptIndex): Promise<void> {
  const p = index.parts;
  const { strings, arrays } = flatten(p);
  const header: Header = { format: FORMAT, key, strings, triIds: [...p.triIds], arrays: {} };
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    header.arrays[name] = { kind: a.constructor.name as ArrayKind, offset, length: a.byteLength };
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const head = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(head.length));
  const start = 8 + Math.ceil(head.length / 8) * 8;
  const tmp = `${path}.${process.pid}.tmp`;
  const file = await open(tmp, 'w', 0o600);
  try {
    await file.write(prefix, 0, 8, 0);
    await file.write(head, 0, head.length, 8);
    for (const [name, a] of Object.entries(arrays)) {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      // Large arrays in slices: one write call is limited to 2 GiB.
      for (let i = 0; i < bytes.length; i += 1 << 28) {
        const part = bytes.subarray(i, Math.min(bytes.length, i + (1 << 28)));
        await file.write(part, 0, part.length, start + header.arrays[name].offset + i);
      }
    }
  } finally {
    await file.close();
  }
  await rename(tmp, path).catch(async (err: unknown) => {
    await rm(tmp, { force: true });
    throw err;
  });
}

/** The cached index if the file exists and its key matches; otherwise undefined. */
export async function readIndexCache(path: string, key: string): Promise<ConceptIndex | undefined> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch {
    return undefined;
  }
  // Typed-array views need aligned offsets; a small file may come back inside Node's shared pool.
  if (data.byteOffset % 8 !== 0) {
    const aligned = Buffer.alloc(data.length);
    data.copy(aligned);
    data = aligned;
  }
  if (data.length < 8) return undefined;
  const headLength = Number(data.readBigUInt64LE(0));
  if (headLength > data.length - 8) return undefined;
  let header: Header;
  try {
    header = JSON.parse(data.toString('utf8', 8, 8 + headLength)) as Header;
  } catch {
    return undefined;
  }
  if (header.format !== FORMAT || header.key !== key) return undefined;
  const start = 8 + Math.ceil(headLength / 8) * 8;
  const arrays: Record<string, ArrayBufferView> = {};
  for (const [name, { kind, offset, length }] of Object.entries(header.arrays)) {
    const Ctor = CTORS[kind];
    const at = data.byteOffset + start + offset;
    // Aligned views into the one file buffer: no copy of a gigabyte of arrays.
    arrays[name] = new Ctor(data.buffer as ArrayBuffer, at, length / Ctor.BYTES_PER_ELEMENT);
  }
  const text = (name: string) => {
    const buf = arrays[`${name}.buf`] as Uint8Array;
    return new PackedText(
      Buffer.from(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength),
      arrays[`${name}.offsets`] as Float64Array,
    );
  };
  const plain = Object.fromEntries(Object.entries(arrays).filter(([name]) => !name.includes('.')));
  const parts = {
    ...plain,
    ...header.strings,
    names: text('names'),
    codes: text('codes'),
    synonyms: text('synonyms'),
    triIds: new Map(header.triIds),
  } as unknown as IndexParts;
  return new ConceptIndex(parts);
}
