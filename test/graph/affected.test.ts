/**
 * The import graph of a fixture monorepo and the tests a change affects:
 * relative imports, imports nested in functions, `__init__` re-exports, a
 * cycle between two modules, TYPE_CHECKING-only imports, conftest.py files,
 * deleted files — through the library and through `ssot affected` (text,
 * JSON, --phase, --since) on a real git repository. And the graph's cache:
 * a second build reads no file; a changed file is read again.
 */
import assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { selectAffectedTests } from '../../src/engine/affected.js';
import { RACY_MARGIN_MS } from '../../src/engine/cache.js';
import { buildImportGraph } from '../../src/engine/graph.js';
import { git, makeRepo, removeRepo, runCli } from '../phases/helpers.js';

const CONFIG = `version: 1
language: python
canonical:
  manager: "from app.redis import redis_manager"
rules:
  - id: redis
    deprecated: ["from legacy.redis import RedisManager"]
    replaceWith: manager
    allowIn: ["legacy/**"]
phases:
  - { id: "1", include: ["app/**"] }
`;

const FILES: Record<string, string> = {
  'app/__init__.py': 'from .core import engine\n',
  'app/core.py': 'from app import util\n\nengine = 1\n',
  'app/util.py': 'from . import core\n',
  'app/lazy.py': 'def load():\n    from app import heavy\n    return heavy\n',
  'app/heavy.py': 'from legacy.redis import RedisManager\n\nstore = RedisManager()\n',
  'app/types_only.py': 'from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app import heavy\n',
  'app/redis.py': 'class RedisManager:\n    pass\n\n\nredis_manager = RedisManager()\n',
  'legacy/__init__.py': '',
  'legacy/redis.py': 'from app.redis import RedisManager\n',
  'lib/__init__.py': '',
  'lib/leaf.py': 'x = 1\n',
  'tests/__init__.py': '',
  'tests/conftest.py': 'from lib import leaf\n',
  'tests/test_app.py': 'import app\n\n\ndef test_engine():\n    assert app.engine == 1\n',
  'tests/test_lazy.py': 'from app.lazy import load\n\n\ndef test_load():\n    assert load()\n',
  'tests/test_types.py': 'from app import types_only\n',
  'tests/test_gone.py': 'def test_gone():\n    from app import gone\n',
  'other/util_test.py': 'import lib.leaf\n',
  'other/helper.py': 'x = 1\n',
  'README.md': 'not python\n',
};

const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));
function repo(): string {
  const dir = makeRepo({ config: CONFIG, files: FILES });
  for (const rel of ['core/a.py', 'core/b.py', 'auth/c.py', 'tests/test_d.py', 'core/__init__.py', 'auth/__init__.py', 'gate.py']) unlinkSync(path.join(dir, rel));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'fixture');
  dirs.push(dir);
  return dir;
}

describe('affected tests', () => {
  const dir = repo();

  test('follow imports at any depth, through __init__ re-exports, nested imports, cycles and conftest.py', async () => {
    const config = await loadConfig(dir);
    const { graph } = await buildImportGraph({ root: dir, config, cache: false });
    const affected = (...changed: string[]) => selectAffectedTests(graph, config, changed);

    // nested import: test_lazy loads app.lazy, whose function imports heavy; test_types only for type checkers
    assert.deepEqual(affected('app/heavy.py').tests, ['tests/test_lazy.py']);
    assert.deepEqual(affected('app/heavy.py').reasons.get('tests/test_lazy.py'), { kind: 'imports', chain: ['tests/test_lazy.py', 'app/lazy.py', 'app/heavy.py'], module: 'app.heavy' });
    assert.deepEqual(selectAffectedTests(graph, config, ['app/heavy.py'], { typeChecking: true }).tests, ['tests/test_lazy.py', 'tests/test_types.py']);

    // util is in a cycle with core, which the package re-exports: everything that loads `app` is affected
    assert.deepEqual(affected('app/util.py').tests, ['tests/test_app.py', 'tests/test_gone.py', 'tests/test_lazy.py', 'tests/test_types.py']);
    const viaInit = affected('app/util.py').reasons.get('tests/test_app.py');
    assert.equal(viaInit?.kind, 'imports');
    assert.deepEqual(viaInit?.kind === 'imports' && viaInit.chain, ['tests/test_app.py', 'app/__init__.py', 'app/core.py', 'app/util.py']);

    // a conftest.py's imports affect every test below it; the other folder's test imports leaf directly
    const leaf = affected('lib/leaf.py');
    assert.deepEqual(leaf.tests, ['other/util_test.py', 'tests/test_app.py', 'tests/test_gone.py', 'tests/test_lazy.py', 'tests/test_types.py']);
    assert.deepEqual(leaf.reasons.get('tests/test_app.py'), { kind: 'support', support: 'tests/conftest.py', chain: ['tests/conftest.py', 'lib/leaf.py'], module: 'lib.leaf' });
    assert.deepEqual(leaf.support, ['tests/conftest.py']);
    assert.equal(leaf.totalTests, 5);

    // a changed test is affected itself; a changed conftest.py affects the tests below it
    assert.deepEqual(affected('tests/test_app.py').tests, ['tests/test_app.py']);
    assert.deepEqual(affected('tests/conftest.py').tests, ['tests/test_app.py', 'tests/test_gone.py', 'tests/test_lazy.py', 'tests/test_types.py']);

    // a deleted module still finds its importers; a file outside the graph affects nothing
    const gone = affected('app/gone.py', 'README.md');
    assert.deepEqual(gone.tests, ['tests/test_gone.py']);
    assert.deepEqual(gone.outside, ['README.md', 'app/gone.py']);
    assert.deepEqual(affected('other/helper.py').tests, []);
  });

  test('the graph is cached by stat signature: a second build reads no file, a changed file is read again', async () => {
    const config = await loadConfig(dir);
    // files modified within RACY_MARGIN_MS of a run get no signature: let the fixture age past it
    await new Promise((resolve) => setTimeout(resolve, RACY_MARGIN_MS + 200));
    const cold = await buildImportGraph({ root: dir, config, workers: 0 });
    assert.equal(cold.stats.lexed, cold.stats.files);
    const warm = await buildImportGraph({ root: dir, config, workers: 0 });
    assert.equal(warm.stats.statHits, warm.stats.files);
    assert.equal(warm.stats.lexed, 0);
    assert.deepEqual(warm.graph, cold.graph);
    writeFileSync(path.join(dir, 'other/helper.py'), 'import lib.leaf\n');
    const changed = await buildImportGraph({ root: dir, config, workers: 0 });
    assert.equal(changed.stats.lexed, 1);
    assert.equal(changed.stats.statHits, changed.stats.files - 1);
    assert.deepEqual(selectAffectedTests(changed.graph, config, ['lib/leaf.py']).tests.length, 5);
    assert.ok(changed.graph.edges[changed.graph.files.indexOf('other/helper.py')]!.some((e) => e.module === 'lib.leaf'));
    git(dir, 'checkout', '-q', '--', 'other/helper.py');
  });

  test('ssot affected: FILES, --why, JSON, --phase and --since', async () => {
    const text = await runCli(['affected', '--root', dir, 'app/heavy.py', '--why'], { cwd: dir });
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, 'tests/test_lazy.py  # imports app/lazy.py → app/heavy.py\n');
    assert.match(text.stderr, /^1 of 5 test files affected by 1 changed file \(import graph of \d+ files/m);

    // paths are relative to the working directory
    const fromSub = await runCli(['affected', '--root', '..', 'leaf.py', '--format', 'json'], { cwd: path.join(dir, 'lib') });
    assert.equal(fromSub.code, 0, fromSub.stderr);
    const json = JSON.parse(fromSub.stdout) as { changed: string[]; tests: string[]; support: string[]; why: Record<string, { kind: string }> };
    assert.deepEqual(json.changed, ['lib/leaf.py']);
    assert.equal(json.tests.length, 5);
    assert.deepEqual(json.support, ['tests/conftest.py']);
    assert.equal(json.why['tests/test_app.py']?.kind, 'support');

    // a pending phase: the files it would change (app/heavy.py holds the only finding)
    const planned = await runCli(['affected', '--root', dir, '--phase', '1'], { cwd: dir });
    assert.equal(planned.code, 0, planned.stderr);
    assert.equal(planned.stdout, 'tests/test_lazy.py\n');
    assert.match(planned.stderr, /phase 1: the files it would change/);

    // --since: committed and uncommitted changes since the merge base, untracked files too
    const base = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(path.join(dir, 'app/util.py'), 'from . import core\n\nflag = True\n');
    git(dir, 'commit', '-q', '-am', 'util');
    writeFileSync(path.join(dir, 'tests/test_new.py'), 'def test_new():\n    pass\n');
    const since = await runCli(['affected', '--root', dir, '--since', base, '--format', 'json'], { cwd: dir });
    assert.equal(since.code, 0, since.stderr);
    const sinceJson = JSON.parse(since.stdout) as { changed: string[]; tests: string[] };
    assert.deepEqual(sinceJson.changed, ['app/util.py', 'tests/test_new.py']);
    assert.deepEqual(sinceJson.tests, ['tests/test_app.py', 'tests/test_gone.py', 'tests/test_lazy.py', 'tests/test_new.py', 'tests/test_types.py']);

    const bad = await runCli(['affected', '--root', dir, '--since', 'no-such-ref'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: --since no-such-ref: git knows no such commit/m);
    const none = await runCli(['affected', '--root', dir], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /name the change: FILES…, --phase ID or --since REF/);
    const outside = await runCli(['affected', '--root', dir, '/etc/passwd'], { cwd: dir });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /not a file under the root/);
  });
});
