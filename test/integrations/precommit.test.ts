/**
 * The pre-commit hook of .pre-commit-hooks.yaml, installed and run by the real
 * `pre-commit` tool (scripts/pretest.sh puts it in a virtualenv) in a temp
 * repository: a commit of clean files goes through, a staged deprecated
 * import stops the commit and is named, files not staged are not checked,
 * and `args: [--baseline, …]` accepts the baselined findings.
 *
 * The hook repository is this working tree's package files with dist/ (the
 * bundle included) prebuilt and committed: pre-commit installs it exactly as it installs the
 * published repository (`npm install -g git+file://…`, which runs `prepare`);
 * only the TypeScript compile, which `scripts/prepare.mjs` runs when dist/ is
 * missing, is left out to keep the test short.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { mainJs, repoRoot } from '../cli/run.js';

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_CONFIG_NOSYSTEM: '1' };
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function preCommitBinary(): string {
  const local = path.join(process.env.SSOT_TOOLS_DIR ?? path.join(repoRoot, 'node_modules/.cache/ssot-tools'), 'venv/bin/pre-commit');
  if (existsSync(local)) return local;
  const onPath = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  assert.equal(onPath.status, 0, 'pre-commit is missing: `npm test` installs it (scripts/pretest.sh)');
  return 'pre-commit';
}

function run(cwd: string, command: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV, ...env }, timeout: 300_000 });
}

function ok(cwd: string, command: string, ...args: string[]): string {
  const result = run(cwd, command, args);
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** A git repository holding the hook: the package as published (package files, the hook definition, dist/ prebuilt). */
function hookRepository(): { dir: string; rev: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-hookrepo-'));
  dirs.push(dir);
  for (const entry of ['package.json', 'package-lock.json', '.pre-commit-hooks.yaml', 'README.md', 'schema', 'scripts/prepare.mjs', 'dist/src', 'dist/cli']) {
    cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  }
  ok(dir, 'git', 'init', '-q', '-b', 'main');
  ok(dir, 'git', 'add', '-A', '--force');
  ok(dir, 'git', 'commit', '-qm', 'ssot');
  return { dir, rev: ok(dir, 'git', 'rev-parse', 'HEAD').trim() };
}

const CONFIG = `version: 1
language: python
sourceRoots: ["."]
canonical:
  manager: "from app.redis import redis_manager"
rules:
  - id: redis
    deprecated: ["from legacy.redis import RedisManager"]
    replaceWith: manager
`;

describe('pre-commit hook (real pre-commit)', () => {
  it('installs, passes clean commits, stops a staged deprecated import and names it, and takes --baseline', () => {
    const preCommit = preCommitBinary();
    const hooks = hookRepository();
    const project = mkdtempSync(path.join(os.tmpdir(), 'ssot-precommit-'));
    dirs.push(project);
    const home = path.join(project, '.pre-commit-home');
    const env = { PRE_COMMIT_HOME: home };
    const write = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
      writeFileSync(path.join(project, rel), text);
    };
    write('ssot.config.yaml', CONFIG);
    write('legacy/old.py', 'from legacy.redis import RedisManager\n\nold = RedisManager()\n');
    write('.gitignore', '.pre-commit-home/\n');
    write('.pre-commit-config.yaml', `repos:\n  - repo: ${hooks.dir}\n    rev: ${hooks.rev}\n    hooks:\n      - id: ssot-check\n`);
    ok(project, 'git', 'init', '-q', '-b', 'main');
    ok(project, 'git', 'add', '-A');
    ok(project, 'git', 'commit', '-qm', 'before the hook', '--no-verify');
    const installed = run(project, preCommit, ['install'], env);
    assert.equal(installed.status, 0, installed.stderr + installed.stdout);

    // a clean file: the hook runs on it (not on the old violation, which is not staged) and the commit goes through
    write('app/clean.py', 'from app.redis import redis_manager\n\nx = redis_manager\n');
    ok(project, 'git', 'add', 'app/clean.py');
    const clean = run(project, 'git', ['commit', '-m', 'clean'], env);
    assert.equal(clean.status, 0, clean.stderr + clean.stdout);
    assert.match(clean.stdout + clean.stderr, /ssot check \(deprecated imports\)\.+Passed/);

    // a staged deprecated import: the commit stops, and the finding is named
    write('app/bad.py', 'from legacy.redis import RedisManager\n\nbad = RedisManager()\n');
    ok(project, 'git', 'add', 'app/bad.py');
    const head = ok(project, 'git', 'rev-parse', 'HEAD');
    const bad = run(project, 'git', ['commit', '-m', 'bad'], env);
    assert.notEqual(bad.status, 0, 'the commit is refused');
    const output = bad.stdout + bad.stderr;
    assert.match(output, /ssot check \(deprecated imports\)\.+Failed/);
    // the grouped text: the file, then each finding with its line and column
    assert.match(output, /app\/bad\.py\n  1:26  redis  import of deprecated `legacy\.redis\.RedisManager`/);
    assert.doesNotMatch(output, /legacy\/old\.py/, 'only the staged files are checked');
    assert.equal(ok(project, 'git', 'rev-parse', 'HEAD'), head);

    // with a baseline that accepts it (args in .pre-commit-config.yaml), the same commit goes through
    ok(project, process.execPath, mainJs, 'baseline', '.');
    write('.pre-commit-config.yaml', `repos:\n  - repo: ${hooks.dir}\n    rev: ${hooks.rev}\n    hooks:\n      - id: ssot-check\n        args: [--baseline, ssot-baseline.json]\n`);
    ok(project, 'git', 'add', '-A');
    const accepted = run(project, 'git', ['commit', '-m', 'baselined'], env);
    assert.equal(accepted.status, 0, accepted.stderr + accepted.stdout);
  });
});
