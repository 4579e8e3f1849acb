/**
 * `ssot prune` on test/fixtures/prune/tree (real git, python3, pytest): one
 * deprecated module per situation — unused, named only by a test's
 * `patch("…")` string, imported on a `# ssot: ignore` line, re-exported by
 * the package `__init__` with and without users, and two that only import
 * each other. The listing is compared with expected.json next to the tree;
 * `--apply` deletes the unused ones and their re-export as one gated commit
 * (phase `prune`), and `rollback --phase prune` restores the tree byte for
 * byte. The re-export removal is also checked on its own, case by case.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { adapterFor } from '../../src/languages/registry.js';
import { listPrunable, runPrune, type PruneListing } from '../../src/phases/prune.js';
import { rollback } from '../../src/phases/rollback.js';
import { renderPruneListing, renderPruneOutcome } from '../../src/report/prune.js';
import { git, GIT_ENV, hashTree, REPO, removeRepo, runCli } from './helpers.js';

Object.assign(process.env, GIT_ENV);

const FIXTURE = path.join(REPO, 'test/fixtures/prune');
const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));

function fixtureRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-prune-'));
  dirs.push(dir);
  cpSync(path.join(FIXTURE, 'tree'), dir, { recursive: true, filter: (src) => !/[/\\](__pycache__|\.pytest_cache)$/.test(src) });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'fixture');
  return dir;
}

/** The listing in the expected file's words: `file:line` places, phases with the files they cleaned. */
function summary(listing: PruneListing) {
  const at = (r: { file: string; line: number; alsoPruned: boolean }) => `${r.file}:${r.line}${r.alsoPruned ? ' (pruned with it)' : ''}`;
  return listing.modules.map((m) => ({
    module: m.module,
    status: m.status,
    importers: m.importers.map(at),
    reExports: m.reExports.map((r) => ({ file: r.file, names: r.names, usedBy: r.usedBy.map(at) })),
    removedBy: m.removedBy.map((r) => `${r.phase} ${r.file}`),
  }));
}

describe('ssot prune', () => {
  it('lists the fixture as expected.json says, deletes the unused modules as a phase, and rollback restores byte for byte', async () => {
    const expected = JSON.parse(readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8'));
    const dir = fixtureRepo();
    // the phase that removes the last importer of legacy.unused
    const fix = await runCli(['fix', dir, '--phase', 'core']);
    assert.equal(fix.code, 0, fix.stdout + fix.stderr);
    const config = await loadConfig(dir);
    const listing = await listPrunable({ root: dir, config });
    assert.deepEqual(summary(listing), expected.modules);
    assert.match(renderPruneListing(listing), /last importers removed by phase core \([0-9a-f]{7}: core\/a\.py\)/);
    assert.match(renderPruneListing(listing), /4 deprecated modules nothing uses \(3 used, 0 kept\)/);

    const check = await runCli(['prune', dir, '--check']);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    const json = await runCli(['prune', dir, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(summary(JSON.parse(json.stdout)), expected.modules);

    const before = hashTree(dir);
    const outcome = await runPrune({ root: dir, config });
    assert.equal(outcome.status, 'done', outcome.reason);
    assert.deepEqual(outcome.deleted, expected.deleted);
    assert.deepEqual(outcome.edited, expected.edited);
    assert.deepEqual(outcome.gates.map((g) => `${g.name} ${g.moment} ${g.ok}`), ['tests before true', 'tests after true']);
    assert.match(renderPruneOutcome(outcome), /✔ prune done: commit [0-9a-f]{7}, 4 modules deleted, re-exports removed from legacy\/__init__\.py/);
    assert.match(git(dir, 'log', '-1', '--format=%B'), /^Ssot-Phase: prune$/m);
    assert.deepEqual(git(dir, 'diff-tree', '--no-commit-id', '--name-only', '-r', 'HEAD').split('\n').sort(), [...expected.deleted, ...expected.edited].sort());
    for (const file of expected.deleted) assert.equal(existsSync(path.join(dir, file)), false, file);
    assert.equal(
      readFileSync(path.join(dir, 'legacy/__init__.py'), 'utf8'),
      '"""Old entry points, re-exported for callers of `legacy`."""\nfrom .reexported_used import Client as UsedClient\n\n__all__ = ["UsedClient"]\n',
    );
    const clean = await runCli(['prune', dir, '--check']);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /nothing to prune/);
    const status = await runCli(['status', dir]);
    assert.match(status.stdout, /^prune\s+done/m);

    const undone = await rollback({ root: dir, config, target: { kind: 'phase', phase: 'prune' } });
    assert.equal(undone.status, 'done', JSON.stringify(undone));
    assert.deepEqual(hashTree(dir), before);
    assert.deepEqual(summary(await listPrunable({ root: dir, config })), expected.modules);
  });

  it('refuses, in one line with exit 2: uncommitted changes, --apply with --check, a configured phase named prune, a file it cannot read', async () => {
    const dir = fixtureRepo();
    cpSync(path.join(dir, 'core/a.py'), path.join(dir, 'core/b.py'));
    const dirty = await runCli(['prune', dir, '--apply']);
    assert.equal(dirty.code, 2);
    assert.match(dirty.stderr, /uncommitted changes to 1 tracked file: core\/b\.py/);
    git(dir, 'checkout', '-q', '--', 'core/b.py');
    const both = await runCli(['prune', dir, '--apply', '--check']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--apply and --check exclude each other/);
    const configFile = path.join(dir, 'ssot.config.yaml');
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('{ id: "core",', '{ id: "prune",'));
    git(dir, 'commit', '-qam', 'a phase called prune');
    const clash = await runCli(['prune', dir, '--apply']);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /a configured phase is called "prune"/);
    assert.equal(clash.stderr.trim().split('\n').filter((l) => !l.startsWith('hint')).length, 1, clash.stderr);
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('{ id: "prune",', '{ id: "core",'));
    // a file the search cannot decode may import a module: nothing is deleted
    writeFileSync(path.join(dir, 'core/latin1.py'), Buffer.from('from legacy.unused import Client  # caf\xe9\n', 'latin1'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'an undecodable file');
    const listed = await runCli(['prune', dir]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /core\/latin1\.py: could not be searched/);
    const unsure = await runCli(['prune', dir, '--apply']);
    assert.equal(unsure.code, 2, unsure.stdout + unsure.stderr);
    assert.match(unsure.stderr, /cannot tell what 1 file refers to: core\/latin1\.py/);
  });
});

describe('removing re-exports of deleted Python modules', () => {
  const remove = adapterFor('python').removeReExports!;
  const cases: { name: string; text: string; modules: string[]; expected: string; names: string[] }[] = [
    {
      name: 'one clause of several, parenthesised, and its __all__ entry (a tuple)',
      text: 'from .old import (\n    A,\n    B as C,\n)\nfrom .kept import D\n__all__ = ("A", "C", "D")\n',
      modules: ['pkg.old'],
      expected: 'from .kept import D\n__all__ = ("D",)\n',
      names: ['A', 'C'],
    },
    {
      name: '`from . import old, kept` keeps the other submodule',
      text: 'from . import old, kept\n__all__ = ["kept", "old"]\n',
      modules: ['pkg.old'],
      expected: 'from . import kept\n__all__ = ["kept"]\n',
      names: ['old'],
    },
    {
      name: 'an absolute import and a block left empty gets `pass`',
      text: 'try:\n    from pkg.old import A\nexcept ImportError:\n    A = None\n',
      modules: ['pkg.old'],
      expected: 'try:\n    pass\nexcept ImportError:\n    A = None\n',
      names: ['A'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const out = await remove({ rel: 'pkg/__init__.py', text: c.text, sourceRoots: [''], modules: c.modules });
      assert.ok(!('error' in out), JSON.stringify(out));
      assert.equal(out.text, c.expected);
      assert.deepEqual(out.names, c.names);
    });
  }
  it('refuses a star import of a deleted module', async () => {
    const out = await remove({ rel: 'pkg/__init__.py', text: 'from .old import *\n', sourceRoots: [''], modules: ['pkg.old'] });
    assert.ok('error' in out && /star import/.test(out.error));
  });
});
