/**
 * `ssot prune` after `ssot fix --all` on a copy of examples/redis-monorepo
 * (gates removed, as in example.behaviour.e2e.test.ts: the fixes alone must
 * leave the tree right): the deprecated modules with no importer left are
 * exactly those test/fixtures/prune/example.json lists, `prune --apply`
 * deletes them as one committed phase, and `rollback --phase prune` restores
 * the tree byte for byte. Real git, the bundled CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { copyToTemp, readTree, REPO } from './helpers.js';

const CLI = path.join(REPO, 'dist/cli/ssot.cjs');
const EXAMPLE = path.join(REPO, 'examples/redis-monorepo');
const EXPECTED = JSON.parse(readFileSync(path.join(REPO, 'test/fixtures/prune/example.json'), 'utf8')) as { modules: Record<string, string>; skipped: string[] };

/** The work tree's files and bytes (git's and ssot's own folders left out). */
function workTree(dir: string): Map<string, Buffer> {
  return new Map([...readTree(dir)].filter(([rel]) => !rel.startsWith('.git/') && !rel.startsWith('.ssot/')));
}

function run(cmd: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1', CI: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Listing {
  modules: { module: string; file: string; status: string; importers: { file: string; line: number }[]; removedBy: { phase: string }[] }[];
  skipped: { module: string }[];
}

describe('ssot prune on the example after fix --all', () => {
  let root: string;

  before(() => {
    root = copyToTemp(EXAMPLE, 'ssot-prune-example-');
    rmSync(path.join(root, '.ssot'), { recursive: true, force: true });
    const configFile = path.join(root, 'ssot.config.yaml');
    const config = parseDocument(readFileSync(configFile, 'utf8'));
    config.delete('gates');
    writeFileSync(configFile, config.toString());
    for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'example']]) assert.equal(run('git', args, root).status, 0);
    const fix = run(process.execPath, [CLI, 'fix', '.', '--all'], root);
    assert.equal(fix.status, 0, `ssot fix --all failed:\n${fix.stdout}\n${fix.stderr}`);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  test('lists exactly the expected unused modules, deletes them as a phase, and rollback restores byte for byte', () => {
    const listed = run(process.execPath, [CLI, 'prune', '.', '--format', 'json'], root);
    assert.equal(listed.status, 0, listed.stderr);
    const listing = JSON.parse(listed.stdout) as Listing;
    assert.deepEqual(Object.fromEntries(listing.modules.map((m) => [m.module, m.status])), EXPECTED.modules);
    assert.deepEqual(listing.skipped.map((s) => s.module), EXPECTED.skipped);
    const unused = listing.modules.filter((m) => m.status === 'unused');
    // a used module names its importers; an unused one, the phase that removed its last ones
    for (const m of listing.modules.filter((x) => x.status === 'used')) assert.ok(m.importers.length > 0, m.module);
    for (const m of unused) assert.ok(m.removedBy.length > 0, `${m.module}: no phase found that removed its importers`);

    assert.equal(run(process.execPath, [CLI, 'prune', '.', '--check'], root).status, 1);
    const beforeApply = workTree(root);
    const head = run('git', ['rev-parse', 'HEAD'], root).stdout.trim();
    const applied = run(process.execPath, [CLI, 'prune', '.', '--apply'], root);
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, new RegExp(`✔ prune done: commit [0-9a-f]{7}, ${unused.length} modules? deleted`));
    assert.match(run('git', ['log', '-1', '--format=%B'], root).stdout, /^Ssot-Phase: prune$/m);
    const changed = run('git', ['diff', '--name-only', head, 'HEAD'], root).stdout.trim().split('\n').sort();
    assert.deepEqual(changed, unused.map((m) => m.file).sort());
    for (const m of unused) assert.equal(existsSync(path.join(root, m.file)), false, m.file);
    assert.equal(run(process.execPath, [CLI, 'prune', '.', '--check'], root).status, 0);

    const undone = run(process.execPath, [CLI, 'rollback', '.', '--phase', 'prune'], root);
    assert.equal(undone.status, 0, undone.stdout + undone.stderr);
    const restored = workTree(root);
    assert.deepEqual([...restored.keys()], [...beforeApply.keys()]);
    for (const [rel, bytes] of beforeApply) assert.ok(restored.get(rel)!.equals(bytes), rel);
  });
});
