/** Spawns the built CLI (dist/cli/ssot.cjs, the bundle the bin runs) the way a user does: a real process, real exit code. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/cli/run.js → the repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const mainJs = path.join(repoRoot, 'dist/cli/ssot.cjs');
export const exampleRoot = path.join(repoRoot, 'examples/redis-monorepo');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [mainJs, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `ssot-${prefix}-`));
}

/**
 * A usage or config error as the house style wants it: exit 2, nothing on
 * stdout, exactly one `error:` line on stderr (optionally followed by one
 * `hint:` line), and no stack frames. Returns the error line.
 */
export function assertOneLineError(result: CliResult, exitCode = 2): string {
  assert.equal(result.status, exitCode, `exit code (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '', 'nothing on stdout');
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  assert.ok(lines.length >= 1 && lines.length <= 2, `one error line (and at most a hint), got:\n${result.stderr}`);
  assert.match(lines[0]!, /^error: \S/);
  if (lines[1] !== undefined) assert.match(lines[1], /^hint: /);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  return lines[0]!;
}
