/**
 * Which generation of `fedomop synth` wrote a site file, for the demo and the UI tests' back ends,
 * which generate their sites once and reuse them: a file from an older generator (without the era
 * tables, say) is regenerated instead of served with warnings. The stamp is a small file beside
 * the database (`<file>.synth-format`); bump SYNTH_FORMAT when the tables or their meaning change.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** 2: every table a Circe criterion can target, eras included. */
export const SYNTH_FORMAT = 2;

const stampOf = (file: string) => `${file}.synth-format`;

/** True when `file` exists and this generator's format wrote it. */
export function synthFileIsCurrent(file: string): boolean {
  if (!existsSync(file) || !existsSync(stampOf(file))) return false;
  return readFileSync(stampOf(file), 'utf8').trim() === String(SYNTH_FORMAT);
}

export function stampSynthFile(file: string): void {
  writeFileSync(stampOf(file), `${SYNTH_FORMAT}\n`);
}

/** Removes a stale file and its stamp, so a failed regeneration cannot leave the old one in use. */
export function removeSynthFile(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.wal`, { force: true });
  rmSync(stampOf(file), { force: true });
}
