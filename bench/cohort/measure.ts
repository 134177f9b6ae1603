/**
 * One timed run of each path on an open writable database, split by statement so a slow ratio
 * can be traced to a stage. The compiler path is `generateCohort` itself (validation, CDM table
 * check, statement building, one transaction), timed from outside; its statements are told apart
 * by its progress lines, which it emits just before running each one.
 */
import { generateCohort, type GenerateCohortResult, type WritableDatabase } from 'fedomop/lib/generate/index.js';
import type { CompiledQuery } from 'fedomop/lib/sql/compiler.js';

export interface StageTime {
  label: string;
  ms: number;
}

export interface Timed {
  ms: number;
  stages: StageTime[];
}

const flat = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 90);

export async function timeCompiler(
  db: WritableDatabase,
  expression: unknown,
  cohortId: number,
): Promise<Timed & { result: GenerateCohortResult }> {
  const marks: Array<{ label: string; at: number }> = [];
  const started = performance.now();
  const result = await generateCohort({
    db,
    expression,
    cohortId,
    onProgress: (line) => {
      const m = /^\[(\d+)\/\d+\] (.*)$/.exec(line);
      if (m) marks.push({ label: `#${m[1]} ${m[2]}`, at: performance.now() });
    },
  });
  const ended = performance.now();
  // Before the first statement: validation, table check, SQL building, BEGIN. After the last: the count and COMMIT.
  const stages = [{ label: 'validate + check tables + build SQL + BEGIN', ms: (marks[0]?.at ?? ended) - started }];
  marks.forEach((m, i) =>
    stages.push({
      label: m.label + (i === marks.length - 1 ? ' (+ count + COMMIT)' : ''),
      ms: (marks[i + 1]?.at ?? ended) - m.at,
    }),
  );
  return { ms: ended - started, stages, result };
}

export async function timeHand(db: WritableDatabase, statements: CompiledQuery[]): Promise<Timed> {
  const stages: StageTime[] = [];
  const started = performance.now();
  await db.transaction(async (tx) => {
    for (const s of statements) {
      const t = performance.now();
      await tx.query(s);
      stages.push({ label: flat(s.sql), ms: performance.now() - t });
    }
  });
  return { ms: performance.now() - started, stages };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Per-stage medians over runs of the same statements, slowest first. */
export function slowestStages(runs: Timed[], top: number): StageTime[] {
  const first = runs[0]?.stages ?? [];
  return first
    .map((s, i) => ({ label: s.label, ms: median(runs.map((r) => r.stages[i]?.ms ?? 0)) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}
