/**
 * A phase and its service boundaries, end to end (real CLI, git, python3
 * gate): a phase whose fixes would add an import a contract forbids is
 * refused before anything is written, in one line naming the file, line and
 * contract; an allowed one is committed and listed in the phase record and
 * the report. Imports that were there before the phase never refuse it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BASE_CONFIG, GATE, git, hashTree, head, makeRepo, removeRepo, runCli, stateOf } from './helpers.js';

const repos: string[] = [];
after(() => repos.forEach(removeRepo));

/** The helpers' monorepo with each top folder a service, and `boundaries` as given. */
function repoWith(boundaries: string, files: Record<string, string> = {}): string {
  const services = 'services:\n  app: "app/**"\n  legacy: "legacy/**"\n  core: "core/**"\n  auth: "auth/**"\n  tests: "tests/**"\n';
  const dir = makeRepo({ config: `${BASE_CONFIG}${services}boundaries:\n${boundaries}${GATE}`, files });
  repos.push(dir);
  return dir;
}

describe('ssot fix --phase and boundaries', () => {
  it('refuses a phase that would add a forbidden import: one line with file, line and contract; nothing written, nothing committed', async () => {
    const dir = repoWith('  - { name: auth stays off app, type: forbidden, from: [auth], to: [app] }\n');
    const tree = hashTree(dir);
    const before = head(dir);
    const result = await runCli(['fix', dir, '--phase', '1b']);
    assert.equal(result.code, 1, result.stderr + result.stdout);
    const lines = result.stdout.split('\n').filter(Boolean);
    assert.equal(lines[0], "✘ phase 1b refused: auth/c.py:1 imports app.redis (auth → app) — contract 'auth stays off app'; nothing was changed");
    assert.deepEqual(hashTree(dir), tree);
    assert.equal(head(dir), before);
    const failed = stateOf(dir).events.find((e) => e.type === 'phase-failed');
    assert.equal(failed?.stage, 'boundaries');
    // json carries the same, with the import and its contracts
    const json = await runCli(['fix', dir, '--phase', '1b', '--format', 'json']);
    assert.equal(json.code, 1);
    const phase = (JSON.parse(json.stdout) as { phases: { stage: string; serviceImports: { file: string; line: number; module: string; forbiddenBy: string[] }[] }[] }).phases[0]!;
    assert.equal(phase.stage, 'boundaries');
    assert.deepEqual(phase.serviceImports.map((s) => [s.file, s.line, s.module, s.forbiddenBy]), [['auth/c.py', 1, 'app.redis', ['auth stays off app']]]);
  });

  it('commits an allowed added import and lists it in the phase record and the report', async () => {
    const dir = repoWith('  - { name: auth stays off app, type: forbidden, from: [auth], to: [app], allow: ["app.redis"] }\n');
    const result = await runCli(['fix', dir, '--phase', '1b']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /imports between services added \(1, each allowed by the boundaries\):\n {4}auth\/c\.py:1 {2}app\.redis {2}auth → app\n/);
    const applied = stateOf(dir).events.find((e) => e.type === 'phase-applied');
    assert.deepEqual(applied?.serviceImports, [{ file: 'auth/c.py', line: 1, module: 'app.redis', fromService: 'auth', toService: 'app' }]);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /\nImports between services added \(allowed by the boundaries\):\n- auth\/c\.py:1: app\.redis \(auth → app\)\n/);
  });

  it('is not refused for a forbidden import the file already had', async () => {
    // core/a.py imports app.redis before the phase: the fix adds nothing new between services
    const dir = repoWith('  - { name: core stays off app, type: forbidden, from: [core], to: [app] }\n', {
      'core/a.py': 'from app.redis import RedisManager as Kind\nfrom legacy.redis import RedisManager\n\nmanager = RedisManager()\n\n\ndef ping():\n    return manager.ping()\n',
      'core/b.py': 'import os\n',
    });
    const check = await runCli(['check', dir, '--format', 'concise']);
    assert.match(check.stdout, /^core\/a\.py:1:6 {2}core stays off app {2}core imports `app\.redis` \(service app\)/m);
    const result = await runCli(['fix', dir, '--phase', '1a']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.doesNotMatch(result.stdout, /imports between services added/);
  });

  it('`ssot fix` without a phase refuses the same way, and --dry-run lists what it would add', async () => {
    const dir = repoWith('  - { name: auth stays off app, type: forbidden, from: [auth], to: [app] }\n');
    const tree = hashTree(dir);
    const refused = await runCli(['fix', dir]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(refused.stdout, "✘ ssot fix refused: auth/c.py:1 imports app.redis (auth → app) — contract 'auth stays off app'; nothing was written\n");
    assert.deepEqual(hashTree(dir), tree);
    const dry = await runCli(['fix', dir, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /imports between services added \(\d+\):\n(.*\n)* {2}auth\/c\.py:1 {2}app\.redis {2}auth → app: forbidden by 'auth stays off app'\n/);
  });
});
