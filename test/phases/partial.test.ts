/**
 * Smaller and stickier steps: `rollback --file` pins the file until
 * `--unpin`; `--limit` and `--files` apply part of a phase (the rest stays
 * pending); a phase may fix any subset of the rules.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { BASE_CONFIG, filesOf, git, makeRepo, removeRepo, runCli, SOURCES } from './helpers.js';

const repos: string[] = [];
function repo(options?: Parameters<typeof makeRepo>[0]): string {
  const dir = makeRepo(options);
  repos.push(dir);
  return dir;
}
after(() => repos.forEach(removeRepo));

async function ok(args: string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  return result.stdout;
}

async function phaseState(dir: string, id: string): Promise<{ status: string; pinned: string[] }> {
  const s = JSON.parse(await ok(['status', dir, '--format', 'json'])) as { phases: { id: string; state: { status: string; pinned: string[] } }[] };
  return s.phases.find((p) => p.id === id)!.state;
}

const FIXED_A = 'from app.redis import redis_manager\n\nmanager = redis_manager\n\n\ndef ping():\n    return manager.ping()\n';

describe('pins, parts of a phase, rule subsets', () => {
  it('rollback --file pins the file: the next run of its phase leaves it alone until --unpin', async () => {
    const dir = repo({ config: BASE_CONFIG });
    await ok(['fix', dir, '--phase', '1a']);
    await ok(['rollback', dir, '--file', 'core/a.py']);
    assert.deepEqual((await phaseState(dir, '1a')).pinned, ['core/a.py']);
    assert.match(await ok(['status', dir]), /pinned by `ssot rollback --file`[^\n]*\n\s+1a\s+core\/a\.py/);
    const top = git(dir, 'rev-parse', 'HEAD');

    const again = await ok(['fix', dir, '--phase', '1a']);
    assert.match(again, /core\/a\.py: pinned by `ssot rollback --file`; pass --unpin FILE to fix it again/);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), top, 'nothing to commit');
    assert.equal(readFileSync(path.join(dir, 'core/a.py'), 'utf8'), SOURCES['core/a.py']);

    const wrong = await runCli(['fix', dir, '--phase', '1a', '--unpin', 'core/b.py']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /^error: --unpin core\/b\.py: not pinned in phase 1a \(pinned: core\/a\.py\)$/m);

    await ok(['fix', dir, '--phase', '1a', '--unpin', 'core/a.py']);
    assert.equal(readFileSync(path.join(dir, 'core/a.py'), 'utf8'), FIXED_A);
    assert.deepEqual(filesOf(dir, 'HEAD'), ['core/a.py']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^Ssot-Unpin: core\/a\.py$/m);
    assert.deepEqual((await phaseState(dir, '1a')).pinned, []);
  });

  it('--limit and --files apply part of a phase; the rest stays pending until a full run', async () => {
    const dir = repo({ config: BASE_CONFIG });
    await ok(['fix', dir, '--phase', '1a', '--limit', '1']);
    assert.deepEqual(filesOf(dir, 'HEAD'), ['core/a.py']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^Ssot-Part: limit=1$/m);
    assert.equal((await phaseState(dir, '1a')).status, 'partial');
    assert.match(await ok(['status', dir]), /^1a\s+partly done \(\w{7}\)/m);

    const bad = await runCli(['fix', dir, '--phase', '1a', '--limit', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--limit 0: must be a whole number of files, at least 1/);

    await ok(['fix', dir, '--phase', '1a']);
    assert.deepEqual(filesOf(dir, 'HEAD'), ['core/b.py']);
    assert.equal((await phaseState(dir, '1a')).status, 'done');

    const other = repo({ config: BASE_CONFIG });
    await ok(['fix', other, '--phase', '1a', '--files', 'core/b*.py']);
    assert.deepEqual(filesOf(other, 'HEAD'), ['core/b.py']);
    assert.match(git(other, 'log', '-1', '--format=%B'), /^Ssot-Part: files=core\/b\*\.py$/m);
    assert.equal((await phaseState(other, '1a')).status, 'partial');
    const rolled = await runCli(['rollback', other, '--phase', '1a']);
    assert.equal(rolled.code, 0, rolled.stderr + rolled.stdout);
    assert.equal(readFileSync(path.join(other, 'core/b.py'), 'utf8'), SOURCES['core/b.py']);
  });

  it('a phase that lists some of the rules fixes exactly those', async () => {
    const config = `${BASE_CONFIG.replace(
      'phases:',
      `  - id: cache
    deprecated: ["from legacy.cache import Cache"]
    replaceWith: cache
  - id: queue
    deprecated: ["from legacy.queue import Queue"]
    replaceWith: queue
phases:`,
    )
      .replace('canonical:\n', 'canonical:\n  cache: "from app.cache import cache"\n  queue: "from app.queue import queue"\n')
      .replace('{ id: "1a", title: "Core", risk: critical, include: ["core/**"] }', '{ id: "1a", title: "Core", risk: critical, include: ["core/**"], rules: [queue, redis] }')}`;
    const dir = repo({
      config,
      files: {
        'core/e.py': 'from legacy.redis import RedisManager\nfrom legacy.cache import Cache\nfrom legacy.queue import Queue\n\nr = RedisManager()\nc = Cache()\nq = Queue()\n',
      },
    });
    const planned = JSON.parse(await ok(['plan', dir, '--format', 'json'])) as { phases: { id: string }[] };
    assert.ok(planned.phases.length);
    await ok(['fix', dir, '--phase', '1a']);
    assert.equal(
      readFileSync(path.join(dir, 'core/e.py'), 'utf8'),
      'from app.redis import redis_manager\nfrom legacy.cache import Cache\nfrom app.queue import queue\n\nr = redis_manager\nc = Cache()\nq = queue\n',
    );
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^Ssot-Rules: redis, queue$/m);
  });
});
