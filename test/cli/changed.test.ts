/**
 * Checking some files instead of the tree: `ssot check FILE…` (as pre-commit
 * passes them, config found above them), `--since REF`, and the GitHub
 * workflow-command format (snapshot in test/fixtures/github-format).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { assertOneLineError, exampleRoot, repoRoot, runCli, tempDir } from './run.js';

interface Report {
  findings: { file: string; line: number; column: number; kind: string; symbol: string; scope?: string; fix?: string }[];
  summary: { files: number };
}

const json = (stdout: string) => JSON.parse(stdout) as Report;
const key = (f: Report['findings'][number]) => `${f.file}:${f.line}:${f.column} ${f.kind} ${f.symbol} ${f.scope} ${f.fix}`;

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_CONFIG_NOSYSTEM: '1' };
function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('ssot check FILE… and --since', () => {
  it('reports for a list of files exactly what a check of the tree reports in them (string references and boundaries included)', () => {
    const full = json(runCli(['check', exampleRoot, '--format', 'json', '--no-cache']).stdout);
    assert.ok(full.findings.some((f) => f.kind === 'boundary'));
    const files = [...new Set(full.findings.map((f) => f.file))];
    assert.ok(full.findings.some((f) => f.kind === 'string-reference'));
    // from the root, as pre-commit runs it: paths relative to the cwd, the config found above them
    const listed = runCli(['check', ...files, 'netra_backend/app/redis_manager.py', '--format', 'json'], { cwd: exampleRoot });
    assert.equal(listed.status, 1, listed.stderr);
    const report = json(listed.stdout);
    assert.equal(report.summary.files, files.length + 1);
    assert.deepEqual(report.findings.map(key), full.findings.map(key));
  });

  it('finds the config above the files from any directory, and leaves out what the config does not include', () => {
    const dir = tempDir('check-files');
    cpSync(exampleRoot, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.ssot`) });
    writeFileSync(path.join(dir, '.gitignore'), 'generated/\n');
    cpSync(path.join(dir, 'auth_service/services/redis_service.py'), path.join(dir, 'generated/copy.py'), { recursive: true });
    writeFileSync(path.join(dir, 'notes.txt'), 'from auth_service.auth_core.redis_manager import auth_redis_manager\n');
    const inner = path.join(dir, 'auth_service/services');
    const one = runCli(['check', 'redis_service.py', '--format', 'json'], { cwd: inner });
    assert.equal(one.status, 1, one.stderr);
    assert.deepEqual([...new Set(json(one.stdout).findings.map((f) => f.file))], ['auth_service/services/redis_service.py']);

    assert.match(assertOneLineError(runCli(['check', 'missing.py'], { cwd: dir })), /^error: missing\.py: no such file or directory$/);
    const outside = path.join(tempDir('outside'), 'x.py');
    writeFileSync(outside, 'from auth_service.auth_core.redis_manager import auth_redis_manager\n');
    const ignored = runCli(['check', 'generated/copy.py', 'notes.txt', outside, '--format', 'json'], { cwd: dir });
    assert.equal(ignored.status, 0, ignored.stderr);
    assert.equal(json(ignored.stdout).summary.files, 0, 'gitignored, not included, outside the root: not checked');

    const noConfig = runCli(['check', path.join(repoRoot, 'package.json')], { cwd: tempDir('elsewhere') });
    assert.match(assertOneLineError(noConfig), /^error: no ssot\.config\.yaml in .* or any directory above it$/);
  });

  it('--since REF checks the files changed since the merge base (and untracked ones); a changed config checks everything', () => {
    const dir = tempDir('since');
    cpSync(exampleRoot, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.ssot`) });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    git(dir, 'checkout', '-q', '-b', 'feature');
    const touched = 'auth_service/services/redis_service.py';
    writeFileSync(path.join(dir, touched), `${readFileSync(path.join(dir, touched), 'utf8')}\n# touched\n`);
    git(dir, 'commit', '-qam', 'touch');
    writeFileSync(path.join(dir, 'auth_service/new_module.py'), 'from auth_service.auth_core.redis_manager import auth_redis_manager\n\nx = auth_redis_manager\n');
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'main moves on');
    git(dir, 'checkout', '-q', 'feature');

    const since = runCli(['check', dir, '--since', 'main', '--format', 'json']);
    assert.equal(since.status, 1, since.stderr);
    const report = json(since.stdout);
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))].sort(), ['auth_service/new_module.py', touched]);
    assert.equal(report.summary.files, 2);

    writeFileSync(path.join(dir, 'ssot.config.yaml'), `${readFileSync(path.join(dir, 'ssot.config.yaml'), 'utf8')}\n# changed\n`);
    const all = runCli(['check', dir, '--since', 'main', '--format', 'json']);
    assert.match(all.stderr, /^ssot: ssot\.config\.yaml changed since main: checking every file$/m);
    assert.equal(json(all.stdout).summary.files, 77);

    assert.match(assertOneLineError(runCli(['check', dir, '--since', 'no-such-ref'])), /^error: --since no-such-ref: not a commit in this repository$/);
  });

  it('--format github: one workflow command per finding, escaped, paths from the workspace (snapshot)', () => {
    const fixture = 'test/fixtures/github-format';
    const result = runCli(['check', fixture, '--format', 'github', '--no-cache'], { cwd: repoRoot });
    assert.equal(result.status, 1, result.stderr);
    const snapshot = path.join(repoRoot, fixture, 'expected.txt');
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(snapshot, result.stdout);
    assert.ok(existsSync(snapshot), 'no snapshot (run with UPDATE_SNAPSHOTS=1 and review it)');
    assert.equal(result.stdout, readFileSync(snapshot, 'utf8'));
    assert.equal(runCli(['scan', fixture, '--format', 'github', '--no-cache'], { cwd: repoRoot }).stdout, result.stdout.replaceAll('::error ', '::warning '));
  });
});
