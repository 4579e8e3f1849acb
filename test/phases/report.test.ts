/**
 * `ssot plan`, `ssot status` and `ssot verify` on temp repositories: the
 * numbers, the briefing, and every way verify goes red.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { BASE_CONFIG, GATE, git, makeRepo, removeRepo, runCli } from './helpers.js';

const repos: string[] = [];
function repo(options?: Parameters<typeof makeRepo>[0]): string {
  const dir = makeRepo(options);
  repos.push(dir);
  return dir;
}
after(() => repos.forEach(removeRepo));

const MIXED = {
  // one manual finding: a chain through a module import whose module is also used as a value
  'auth/d.py': 'import legacy.redis\n\nbackend = legacy\nmanager = legacy.redis.RedisManager()\n',
  // owned by no phase
  'scripts/tool.py': 'from legacy.redis import RedisManager\n\nr = RedisManager()\n',
};

describe('ssot plan', () => {
  it('counts files and findings by applicability per phase, with gates and state', async () => {
    const dir = repo({ files: MIXED });
    const result = await runCli(['plan', dir]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^phase\s+risk\s+files\s+safe\s+unsafe\s+manual\s+gates \(before → after\)\s+state$/);
    assert.match(result.stdout, /^1a\s+critical\s+2\s+4\s+0\s+0\s+imports → imports\s+pending$/m);
    assert.match(result.stdout, /^1b\s+high\s+2\s+2\s+0\s+1\s+imports → imports\s+pending$/m);
    assert.match(result.stdout, /^\(no phase\)\s+—\s+1\s+2\s+0\s+0\s+—\s+not planned$/m);
    // the safe count says who fixes what: the phases fix 8 of the 10, no phase fixes the other 2
    assert.match(result.stdout, /^11 findings in 6 files: 10 safe \(8 fixed by `ssot fix --phase`\), 0 unsafe .*, 1 manual$/m);
    assert.match(result.stdout, /2 findings in 1 file belong to no phase: no phase fixes them \(`ssot fix` without --phase fixes their 2 safe ones, ungated\)/);
    assert.doesNotMatch(result.stdout, /no phase will fix/);

    await runCli(['fix', dir, '--phase', '1a']);
    const json = JSON.parse((await runCli(['plan', dir, '--format', 'json'])).stdout) as {
      phases: { id: string; files: string[]; findings: { total: number }; state: { status: string } }[];
    };
    const p1a = json.phases.find((p) => p.id === '1a')!;
    assert.equal(p1a.state.status, 'done');
    assert.deepEqual(p1a.files, []);
    assert.equal(p1a.findings.total, 0);
  });

  it('--format markdown is the stakeholder briefing: what changes, phases, safety net, rollback procedures', async () => {
    const dir = repo();
    await runCli(['fix', dir, '--phase', '1a']);
    const result = await runCli(['plan', dir, '--format', 'markdown']);
    assert.equal(result.code, 0, result.stderr);
    const md = result.stdout;
    for (const heading of ['## What changes', '## Summary', '## Phases', '## Safety net', '## Rollback procedures', '## Phase details', '### Phase 1a — Core']) {
      assert.ok(md.includes(`\n${heading}\n`), `has ${heading}`);
    }
    assert.match(md, /- \*\*redis\*\*: every import of `from legacy\.redis import RedisManager` moves to `from app\.redis import redis_manager`\./);
    assert.match(md, /\| Phase \| Title \| Risk \| Files \| Safe \| Unsafe \| Manual \| State \|/);
    assert.match(md, /\| 1a \| Core \| critical \| 0 \| 0 \| 0 \| 0 \| done \(\w{7}\) \|/);
    assert.match(md, /\| 1b \| Auth \| high \| 1 \| 2 \| 0 \| 0 \| pending \|/);
    assert.match(md, /Progress: 1 of 3 phases done/);
    assert.match(md, /\*\*Before each phase\*\* these checks must pass: `imports`/);
    assert.match(md, /`ssot rollback --phase ID`/);
    assert.match(md, /Applied .* UTC: 4 fixes in 2 files, commit `\w{7}`/);
  });
});

describe('ssot status', () => {
  it('shows phase states, remaining findings and the last gate results', async () => {
    const dir = repo();
    await runCli(['fix', dir, '--phase', '1a']);
    await runCli(['fix', dir, '--phase', '1b'], { env: { FAIL_AT: 'after' } });
    const result = await runCli(['status', dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^1a\s+done \(\w{7}\)\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+4\s+0$/m);
    assert.match(result.stdout, /^1b\s+pending \(last attempt failed: after-gates\)\s+2$/m);
    assert.match(result.stdout, /1 of 3 phases done; 4 findings remain in 2 files/);
    assert.match(result.stdout, /last gate results \(phase-failed 1b, .*\):\n\s+✔ imports \(before\): passed in .*\n\s+✘ imports \(after\): failed with exit 3/);
  });
});

describe('ssot verify', () => {
  it('is green after every phase: compliant, canonical targets resolve, gates pass', async () => {
    const dir = repo();
    assert.equal((await runCli(['fix', dir, '--all'])).code, 0);
    const result = await runCli(['verify', dir]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^check\s+name\s+result\s+detail$/m);
    for (const phase of ['1a', '1b', '2']) assert.match(result.stdout, new RegExp(`^compliance\\s+phase ${phase}\\s+pass\\s+no fixable finding left$`, 'm'));
    assert.match(result.stdout, /^canonical\s+from app\.redis import redis_manager\s+pass\s+app\/redis\.py binds redis_manager \(assignment\)$/m);
    assert.match(result.stdout, /^canonical\s+from app\.redis import RedisManager\s+pass\s+app\/redis\.py binds RedisManager \(class\)$/m);
    assert.match(result.stdout, /^gate\s+imports\s+pass\s+passed in/m);
    assert.match(result.stdout, /verify: all 6 checks pass/);
  });

  it('is red when a done phase has fixable findings again, a gate fails, or a canonical target does not resolve', async () => {
    const dir = repo();
    assert.equal((await runCli(['fix', dir, '--phase', '1a'])).code, 0);
    // later: new code with the old import, and the canonical moved to a module that does not provide it
    writeFileSync(path.join(dir, 'core/new.py'), 'from legacy.redis import RedisManager\n\nr = RedisManager()\n');
    writeFileSync(path.join(dir, 'ssot.config.yaml'), BASE_CONFIG.replace('"from app.redis import redis_manager"', '"from app.cache import redis_manager"') + GATE);
    mkdirSync(path.join(dir, 'app/cache'));
    writeFileSync(path.join(dir, 'app/cache/__init__.py'), 'from .impl import *\n');
    writeFileSync(path.join(dir, 'app/cache/impl.py'), 'other = 1\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'new code, old habits');

    const result = await runCli(['verify', dir], { env: { FAIL_AT: 'verify' } });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^compliance\s+phase 1a\s+FAIL\s+2 fixable findings left in 1 file: core\/new\.py:1, core\/new\.py:3$/m);
    assert.match(result.stdout, /^canonical\s+from app\.cache import redis_manager\s+FAIL\s+app\/cache\/__init__\.py does not bind redis_manager at module level \(star imports followed\)$/m);
    assert.match(result.stdout, /^gate\s+imports\s+FAIL\s+exit 3$/m);
    assert.match(result.stdout, /│ golden path broken at verify/);
    assert.match(result.stdout, /verify: 3 of 4 checks fail/);
  });

  it('follows star imports and submodules to the canonical name', async () => {
    const config = BASE_CONFIG.replace('"from app.redis import redis_manager"', '"from app.cache import redis_manager"').replace(
      'types: "from app.redis import RedisManager"',
      'types: "from app import redis"',
    );
    const dir = repo({ config, files: { 'app/cache/__init__.py': 'from .impl import *\n', 'app/cache/impl.py': 'from app.redis import redis_manager\n' } });
    const result = await runCli(['verify', dir]);
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /app\/cache\/__init__\.py re-exports redis_manager from app\.cache\.impl \(\*\)/);
    assert.match(result.stdout, /redis is the submodule app\/redis\.py/);
    assert.match(result.stdout, /^gate\s+\(none\)\s+pass\s+no gates configured$/m);
  });
});
