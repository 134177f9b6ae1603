/** The circe conformance suite's manifest (shared/conformance/circe/README.md, "manifest.json"). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../harness/processes.js';
import type { PatchOp } from './json-patch.js';

export interface VerifyTable {
  key: string;
  table: string;
  rowFilter: Record<string, number | string>;
  columns: string[];
  orderBy: string[];
}

export interface ConformanceCase {
  name: string;
  sourceTest: string;
  kind: 'cohort' | 'smoke' | 'error';
  expression: string;
  modifications: PatchOp[];
  cohortDefinitionId: number;
  cdmVersion: string;
  generateStats: boolean;
  prep: string[];
  verify: string | null;
  verifyTables: VerifyTable[];
  notes?: string;
}

/** `FEDOMOP_CIRCE_CONFORMANCE` overrides where the suite lives; by default the sibling `shared/` checkout. */
export const CONFORMANCE_ROOT = process.env.FEDOMOP_CIRCE_CONFORMANCE ?? path.resolve(REPO, '../shared/conformance/circe');

export const conformanceAvailable = (root = CONFORMANCE_ROOT) => existsSync(path.join(root, 'manifest.json'));

export function readJson(root: string, file: string): any {
  return JSON.parse(readFileSync(path.join(root, file), 'utf8'));
}

export function readManifest(root = CONFORMANCE_ROOT): ConformanceCase[] {
  return readJson(root, 'manifest.json') as ConformanceCase[];
}
