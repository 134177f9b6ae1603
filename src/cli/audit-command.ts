/** `fedomop audit verify FILE`: exit 0 when the log's hash chain is intact, 1 naming the first bad line. */
import { readFileSync } from 'node:fs';
import { verifyAuditText } from '../node/audit-verify.js';

const USAGE = 'usage: fedomop audit verify FILE...';

export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...files] = argv;
  if (sub !== 'verify' || files.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  let status = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      process.stderr.write(`fedomop audit: cannot read ${file}: ${(err as Error).message}\n`);
      status = 2;
      continue;
    }
    const verdict = verifyAuditText(text);
    if (verdict.ok) {
      process.stdout.write(`${file}: intact, ${verdict.lines} lines, last hash ${verdict.last}\n`);
    } else {
      process.stdout.write(`${file}: line ${verdict.line}: ${verdict.reason}\n`);
      status = Math.max(status, 1);
    }
  }
  return status;
}
