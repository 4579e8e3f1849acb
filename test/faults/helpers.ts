/**
 * Shared by the fault suite (test/faults): scratch trees, the real CLI as a
 * child process (optionally as an unprivileged user, since root reads a
 * mode-000 file and writes a read-only folder), and the "one clear line"
 * assertions the issue asks of every error.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, GIT_ENV, REPO } from '../phases/helpers.js';

export { CLI, GIT_ENV, REPO };

/** The config most fault cases use: one rule, `legacy.client.OldClient` → `app.shared.shared_client`. */
export const CONFIG = `version: 1
canonical:
  shared: "from app.shared import shared_client"
rules:
  - id: r
    deprecated:
      - "from legacy.client import OldClient"
    replaceWith: shared
`;

/** A file with one import finding and one usage finding (a safe fix). */
export const GOOD = 'from legacy.client import OldClient\n\nclient = OldClient()\n';

const made: string[] = [];

/** A scratch folder with `files` (config written unless null); removed by cleanUp(). */
export function tree(prefix: string, files: Record<string, string | Buffer>, config: string | null = CONFIG): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ssot-faults-${prefix}-`));
  made.push(dir);
  if (config !== null) writeFileSync(path.join(dir, 'ssot.config.yaml'), config);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

export function cleanUp(): void {
  for (const dir of made.splice(0)) {
    // a test may leave a read-only folder behind
    try {
      spawnSync('chmod', ['-R', 'u+rwX', dir]);
    } catch {
      // nothing to loosen
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trimEnd();
}

export function gitInit(dir: string): void {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'baseline');
}

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** uid/gid of `nobody` when the tests run as root (else undefined: the current user is unprivileged already). */
export const UNPRIVILEGED = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

/** Opens a tree to the unprivileged user (as root, the tests run the CLI as nobody where permissions matter). */
export function openToAll(dir: string): void {
  chmodSync(dir, 0o777);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openToAll(full);
    else chmodSync(full, statSync(full).mode | 0o666);
  }
}

/** Runs the built CLI; `asUnprivileged` runs it as nobody when the tests run as root. */
export function cli(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; asUnprivileged?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.asUnprivileged && UNPRIVILEGED ? UNPRIVILEGED : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** No stack trace and no internal error anywhere in the output. */
export function assertNoTrace(run: Run): void {
  assert.doesNotMatch(run.stderr + run.stdout, /^\s+at \S/m, `a stack trace:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error/, run.stderr);
  assert.notEqual(run.code, 70, 'exit 70 is the internal-error exit');
}

/** Exit 2 with exactly one `error:` line (and at most a `hint:`), no trace, nothing on stdout; returns the line. */
export function assertOneLineError(run: Run, code = 2): string {
  assertNoTrace(run);
  assert.equal(run.code, code, `exit code; stderr:\n${run.stderr}`);
  assert.equal(run.stdout, '', 'nothing on stdout');
  const lines = run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: took over the lock'));
  assert.ok(lines.length >= 1 && lines.length <= 2, `one error line (and at most a hint):\n${run.stderr}`);
  assert.match(lines[0]!, /^error: \S/);
  if (lines[1] !== undefined) assert.match(lines[1], /^hint: /);
  return lines[0]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
