/**
 * `ssot shim` on a copy of examples/redis-monorepo (real git, python3,
 * pytest): the untouched example fails `--check`; after the shim every
 * deprecated name is the canonical object (`is`, with the project's
 * interpreter), the identity tests pass, the legacy flag switches one module
 * back to its old implementation, and `rollback --phase shim` restores the
 * tree byte for byte (the private legacy module removed).
 *
 * The shim, its re-run and the rollback are called in-process (the CLI's
 * start-up is not what this tests); the two `--check` runs go through the CLI
 * for their exit codes (1 untouched, 0 shimmed). Every check still imports the
 * modules with python3, and the identity tests run under pytest.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { rollback } from '../../src/phases/rollback.js';
import { checkShims, runShim } from '../../src/phases/shim.js';
import { renderShimOutcome } from '../../src/report/shim.js';
import { git, GIT_ENV, hashTree, REPO, removeRepo, runCli } from './helpers.js';

// the in-process phases commit with git: the same identity the CLI runs get
Object.assign(process.env, GIT_ENV);

const EXAMPLE = path.join(REPO, 'examples/redis-monorepo');
const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));

/** The example as a git repository, with a legacy flag on its rule and no gates (the shim's own checks are what this test is about). */
function exampleRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-shim-'));
  dirs.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[/\\](__pycache__|\.pytest_cache|\.ruff_cache|\.ssot|\.benchmarks)$/.test(src) });
  const configFile = path.join(dir, 'ssot.config.yaml');
  const config = readFileSync(configFile, 'utf8');
  const withFlag = config.replace(/^(    message: .*\n)/m, '$1    shim:\n      legacyFlag: REDIS_SSOT_LEGACY\n').replace(/^gates:[\s\S]*$/m, 'gates: []\n');
  assert.notEqual(withFlag, config);
  writeFileSync(configFile, withFlag);
  writeFileSync(path.join(dir, '.gitignore'), '.ssot/\n__pycache__/\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'baseline');
  return dir;
}

function python(dir: string, code: string, env: Record<string, string> = {}): string {
  const run = spawnSync('python3', ['-W', 'ignore', '-c', code], { cwd: dir, env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1', ...env }, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

describe('ssot shim on examples/redis-monorepo', () => {
  it('check fails on the untouched example, passes after the shim; identity tests pass; the legacy flag switches back; rollback restores', async () => {
    const dir = exampleRepo();
    const original = hashTree(dir);

    const before = await runCli(['shim', dir, '--check', '--format', 'json']);
    assert.equal(before.code, 1, before.stderr);
    const beforeResult = JSON.parse(before.stdout) as { names: { module: string; name: string; ok: boolean }[]; skipped: { module: string }[] };
    assert.equal(beforeResult.names.length, 6);
    assert.ok(beforeResult.names.every((n) => !n.ok));
    assert.deepEqual(beforeResult.skipped.map((s) => s.module), ['netra_backend.app.redis_manager']);

    const config = await loadConfig(dir);
    const shim = await runShim({ root: dir, config });
    assert.equal(shim.status, 'done', shim.reason);
    assert.match(renderShimOutcome(shim), /✔ shim done: commit [0-9a-f]{7}, 5 compatibility modules \(10 files\)/);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^Ssot-Phase: shim$/m);
    const files = git(dir, 'diff-tree', '--no-commit-id', '--name-only', '-r', 'HEAD').split('\n').sort();
    assert.ok(files.includes('auth_service/auth_core/_redis_manager_legacy.py'), files.join(', '));
    // the old implementation is kept verbatim
    assert.equal(git(dir, 'show', 'HEAD~1:auth_service/auth_core/redis_manager.py'), readFileSync(path.join(dir, 'auth_service/auth_core/_redis_manager_legacy.py'), 'utf8').replace(/\n$/, ''));

    const check = await runCli(['shim', dir, '--check']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /✔ every deprecated name \(6\) of 5 modules is its canonical object/);

    // a second run finds nothing to do
    const again = await runShim({ root: dir, config });
    assert.equal(again.status, 'done');
    assert.deepEqual(again.written, []);
    assert.match(renderShimOutcome(again), /nothing to shim/);

    // the identity the issue names, both ways of the switch
    const identity =
      'import auth_service.auth_core.redis_manager as auth_rm; from netra_backend.app.redis_manager import redis_manager, RedisManager; ' +
      'from test_framework.redis_test_utils.test_redis_manager import RedisTestManager; ' +
      'print(auth_rm.auth_redis_manager is redis_manager, auth_rm.RedisManager is RedisManager, RedisTestManager is RedisManager, type(auth_rm.auth_redis_manager).__module__)';
    assert.equal(python(dir, identity), 'True True True netra_backend.app.redis_manager');
    assert.equal(python(dir, identity, { REDIS_SSOT_LEGACY: '1' }), 'False False False auth_service.auth_core._redis_manager_legacy');
    // the warning names the replacement
    const warned = python(dir, 'import warnings; warnings.simplefilter("always")\nwith warnings.catch_warnings(record=True) as w:\n    import auth_service.auth_core.redis_manager\nprint(w[0].category.__name__, w[0].message)');
    assert.match(warned, /^DeprecationWarning auth_service\.auth_core\.redis_manager is deprecated; use `from netra_backend\.app\.redis_manager import redis_manager`$/);

    const tests = spawnSync(
      'python3',
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/mission_critical/test_redis_ssot_consolidation.py::test_canonical_singleton_is_shared', 'tests/mission_critical/test_redis_ssot_consolidation.py::test_legacy_wrapper_is_a_canonical_subclass', 'auth_service/tests/test_redis_staging_fixes.py::test_shared_auth_manager_alias', 'auth_service/tests/test_redis_staging_fixes.py::test_singleton_is_reset_between_tests', 'auth_service/tests/test_redis_staging_fixes.py::test_blacklist_uses_patched_manager'],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
    );
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
    assert.match(tests.stdout, /5 passed/);

    const undone = await rollback({ root: dir, config, target: { kind: 'phase', phase: 'shim' } });
    assert.equal(undone.status, 'done', JSON.stringify(undone));
    assert.equal(existsSync(path.join(dir, 'auth_service/auth_core/_redis_manager_legacy.py')), false);
    assert.deepEqual(hashTree(dir), original);
    const after = await checkShims({ root: dir, config });
    assert.equal(after.ok, false);
    assert.ok(after.names.every((n) => !n.ok));
  });
});
