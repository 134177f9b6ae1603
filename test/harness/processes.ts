/**
 * Real processes for integration tests: every service is started through the `fedomop` CLI exactly
 * as an operator would, and found by the URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Compiled to lib-test/test/harness/, three levels below the repository root.
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(REPO, 'bin', 'fedomop.js');

export interface Service {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `fedomop <args>` and resolves when it prints a URL (or rejects with its output when it exits). */
/** `fedomop site` arguments for a loopback dev site on an ephemeral port, audit lines to `auditLog`. */
export function devSiteArgs(file: string, id: string, auditLog: string): string[] {
  return ['site', '--db', file, '--id', id, '--port', '0', '--dev-insecure', '--audit-log', auditLog];
}

/** `fedomop hub` arguments for a loopback dev hub on an ephemeral port in front of `sites` (id → URL), then `extra`. */
export function devHubArgs(sites: Record<string, string>, extra: string[] = []): string[] {
  return [
    'hub',
    '--port',
    '0',
    '--dev-insecure',
    ...Object.entries(sites).flatMap(([id, url]) => ['--site', `${id}=${url}`]),
    ...extra,
  ];
}

export function startService(
  args: string[],
  opts: {
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    /** Flags for node itself (benchmarks: --cpu-prof, --expose-gc). */
    nodeArgs?: string[];
  } = {},
): Promise<Service> {
  args = withTestProfile(args);
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const service = (url: string): Service => ({
    url,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fedomop ${args.join(' ')} did not start within ${opts.timeoutMs ?? 30000} ms:\n${out}`));
    }, opts.timeoutMs ?? 30000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(service(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`fedomop ${args.join(' ')} exited with ${code} before listening:\n${out}`));
    });
  });
}

/**
 * Sites in tests release exact values unless the test picks a profile: most tests compare released
 * counts with hand-written SQL, and perturbation or a release history (which would refuse the many
 * near-identical plans a test suite asks) are tested where they are the subject
 * (test/integration/disclosure-attacks.test.ts).
 */
function withTestProfile(args: string[]): string[] {
  if (args[0] !== 'site' || args.includes('--disclosure-profile') || args.includes('--config')) return args;
  return [...args, '--disclosure-profile', 'exact'];
}

/** Runs `fedomop <args>` to completion. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
