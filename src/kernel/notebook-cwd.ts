/**
 * `deno jupyter` has no --config flag: it reads deno.json from its working directory. So the
 * fedomop-deno kernelspec (scripts/install-kernel.sh) starts the kernel in the fedomop checkout, whose
 * deno.json maps "fedomop" to this library, and passes the notebook's own directory as
 * FEDOMOP_NOTEBOOK_DIR. Importing fedomop moves back there, so relative file paths in the notebook
 * (Deno.readTextFile("cohort.json")) mean what the researcher expects.
 */
import process from 'node:process';

export function restoreNotebookDir(): void {
  const dir = process.env.FEDOMOP_NOTEBOOK_DIR;
  if (!dir || process.cwd() === dir) return;
  try {
    process.chdir(dir);
  } catch {
    // A vanished notebook directory leaves the kernel where it was; imports still work from there.
  }
}
