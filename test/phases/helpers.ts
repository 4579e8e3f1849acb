/**
 * Temp git repositories with a tiny Python monorepo, the real ssot CLI run as
 * a child process, and whole-tree hashes to prove "byte for byte".
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/phases). */
export const REPO = path.resolve(fileURLToPath(import.meta.url), '../../../..');
export const CLI = path.join(REPO, 'dist/cli/ssot.cjs');

export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'ssot test',
  GIT_AUTHOR_EMAIL: 'ssot-test@example.invalid',
  GIT_COMMITTER_NAME: 'ssot test',
  GIT_COMMITTER_EMAIL: 'ssot-test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trimEnd();
}

export const BASE_CONFIG = `version: 1
language: python
sourceRoots: ["."]
canonical:
  manager: "from app.redis import redis_manager"
rules:
  - id: redis
    deprecated:
      - "from legacy.redis import RedisManager"
    replaceWith: manager
    types: "from app.redis import RedisManager"
    allowIn: ["legacy/**"]
phases:
  - { id: "1a", title: "Core", risk: critical, include: ["core/**"] }
  - { id: "1b", title: "Auth", risk: high, include: ["auth/**"] }
  - { id: "2", title: "Tests", risk: low, include: ["tests/**"] }
`;

/**
 * The gate every small test uses: imports every module (a real check that the
 * fixed code still works), logs its moment to $GATE_LOG when set, and fails at
 * the moment named by $FAIL_AT (before / after / rollback / verify).
 */
export const GATE = `gates:
  - name: imports
    run: python3 gate.py
    timeout: 60
`;

export const GATE_PY = `import importlib, os, sys, time
log = os.environ.get("GATE_LOG")
moment = os.environ.get("SSOT_GATE_MOMENT", "?")
phase = os.environ.get("SSOT_PHASE", "-")
if log:
    with open(log, "a") as f:
        f.write("%s %s\\n" % (moment, phase))
for name in ["core.a", "core.b", "auth.c", "tests.test_d"]:
    importlib.import_module(name)
if os.environ.get("SLOW_AT") == moment:
    with open(os.environ["GATE_PIDFILE"], "w") as f:
        f.write(str(os.getpgid(0)))
    time.sleep(60)
failing_phase = os.environ.get("FAIL_PHASE")
if os.environ.get("FAIL_AT") == moment and (not failing_phase or failing_phase == phase):
    for i in range(60):
        print("gate output line %d" % i)
    print("golden path broken at %s" % moment, file=sys.stderr)
    sys.exit(3)
print("ok", moment)
`;

export const SOURCES: Record<string, string> = {
  'app/__init__.py': '',
  'app/redis.py': 'class RedisManager:\n    def ping(self):\n        return True\n\n\nredis_manager = RedisManager()\n',
  'legacy/__init__.py': '',
  'legacy/redis.py': 'from app.redis import RedisManager\n',
  'core/__init__.py': '',
  'core/a.py': 'from legacy.redis import RedisManager\n\nmanager = RedisManager()\n\n\ndef ping():\n    return manager.ping()\n',
  'core/b.py': 'from legacy.redis import RedisManager\n\n\ndef connect():\n    return RedisManager().ping()\n',
  'auth/__init__.py': '',
  'auth/c.py': 'from legacy.redis import RedisManager\n\nstore = RedisManager()\n',
  'tests/__init__.py': '',
  'tests/test_d.py': 'from legacy.redis import RedisManager\n\n\ndef test_ping():\n    assert RedisManager().ping()\n',
  '.gitignore': '__pycache__/\n',
};

export interface RepoOptions {
  readonly config?: string;
  readonly files?: Record<string, string>;
  /** Make it a git repository with one commit (default true). */
  readonly git?: boolean;
}

/** A temp monorepo; by default a git repository with everything committed. */
export function makeRepo(options: RepoOptions = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-phases-'));
  const files = { ...SOURCES, 'gate.py': GATE_PY, 'ssot.config.yaml': options.config ?? BASE_CONFIG + GATE, ...options.files };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  if (options.git !== false) {
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'baseline');
  }
  return dir;
}

export function removeRepo(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** sha256 of every file under `dir` (untracked ones too), skipping .git, .ssot and __pycache__. */
export function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!['.git', '.ssot', '__pycache__', '.pytest_cache'].includes(entry.name)) walk(rel);
      } else if (entry.isFile()) {
        out.set(rel, createHash('sha256').update(readFileSync(path.join(dir, rel))).digest('hex'));
      }
    }
  };
  walk('');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function treeDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Every record in the repository's `refs/notes/ssot`, oldest first (by time: one machine). */
export function stateOf(dir: string): { events: { type: string; phase?: string; at: string; [k: string]: unknown }[] } {
  const listed = spawnSync('git', ['notes', '--ref=ssot', 'list'], { cwd: dir, encoding: 'utf8' });
  if (listed.status !== 0) return { events: [] };
  const events: { type: string; phase?: string; at: string; [k: string]: unknown }[] = [];
  for (const line of listed.stdout.split('\n').filter(Boolean)) {
    const blob = line.split(' ')[0]!;
    for (const text of git(dir, 'cat-file', 'blob', blob).split('\n')) if (text.trim()) events.push(JSON.parse(text));
  }
  return { events: events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)) };
}

export function head(dir: string): string {
  return git(dir, 'rev-parse', 'HEAD');
}

/** Files changed by a commit. */
export function filesOf(dir: string, commit: string): string[] {
  return git(dir, 'diff-tree', '--no-commit-id', '--name-only', '-r', commit).split('\n').filter(Boolean).sort();
}

export function tempFile(name: string): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'ssot-log-')), name);
}

export function gitStatus(dir: string): string {
  return git(dir, 'status', '--porcelain', '--untracked-files=all');
}

export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Live (not zombie) processes of a process group, from /proc: a zombie is dead, it only waits for a reaper. */
export function liveMembersOf(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ... — comm may contain spaces, so split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(entry));
  }
  return out;
}
