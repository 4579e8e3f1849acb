/** `ssot fix --format json`: the data of an ungated run, a phase run and --all, on temp repositories. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { head, makeRepo, removeRepo, runCli } from '../phases/helpers.js';

const repos: string[] = [];
after(() => repos.forEach(removeRepo));
function repo(): string {
  const dir = makeRepo();
  repos.push(dir);
  return dir;
}

interface PhaseJson {
  phase: string;
  status: string;
  commitBefore: string;
  commitAfter: string | null;
  counts: { fixes: number; files: number };
  gates: { name: string; moment: string; ok: boolean; durationMs: number; tail?: string[] }[];
}

describe('ssot fix --format json', () => {
  it('without a phase: every file, what was written, the summary and the findings', async () => {
    const dir = repo();
    const dry = await runCli(['fix', dir, '--dry-run', '--format', 'json']);
    assert.equal(dry.code, 0, dry.stderr);
    const data = JSON.parse(dry.stdout) as {
      command: string;
      dryRun: boolean;
      files: { file: string; status: string; written: boolean; applied: { safe: number } }[];
      summary: { fixedSafe: number; filesChanged: number };
      findings: { file: string; fix: string }[];
    };
    assert.equal(data.command, 'fix');
    assert.equal(data.dryRun, true);
    assert.deepEqual(data.files.map((f) => [f.file, f.status, f.written]), [
      ['auth/c.py', 'changed', false],
      ['core/a.py', 'changed', false],
      ['core/b.py', 'changed', false],
      ['tests/test_d.py', 'changed', false],
    ]);
    assert.equal(data.summary.fixedSafe, data.files.reduce((n, f) => n + f.applied.safe, 0));
    assert.equal(data.findings.length, 8);
    const wrote = JSON.parse((await runCli(['fix', dir, '--format', 'json'])).stdout) as { dryRun: boolean; files: { written: boolean }[] };
    assert.equal(wrote.dryRun, false);
    assert.ok(wrote.files.every((f) => f.written));
  });

  it('--phase and --all: one record per phase run, with commits and gate evidence; --diff has no json form', async () => {
    const dir = repo();
    const start = head(dir);
    const one = await runCli(['fix', dir, '--phase', '1a', '--format', 'json']);
    assert.equal(one.code, 0, one.stderr);
    const phase = (JSON.parse(one.stdout) as { command: string; phases: PhaseJson[] }).phases[0]!;
    assert.equal(phase.phase, '1a');
    assert.equal(phase.status, 'done');
    assert.equal(phase.commitBefore, start);
    assert.equal(phase.commitAfter, head(dir));
    assert.deepEqual(phase.counts.files, 2);
    assert.deepEqual(phase.gates.map((g) => [g.name, g.moment, g.ok]), [['imports', 'before', true], ['imports', 'after', true]]);
    assert.ok(phase.gates.every((g) => g.durationMs >= 0 && g.tail === undefined), 'a passing gate keeps no output');
    const all = await runCli(['fix', dir, '--all', '--format', 'json']);
    assert.equal(all.code, 0, all.stderr);
    const data = JSON.parse(all.stdout) as { phases: PhaseJson[]; alreadyDone: { phase: string }[]; notReached: string[] };
    assert.deepEqual(data.phases.map((p) => [p.phase, p.status]), [['1b', 'done'], ['2', 'done']]);
    assert.deepEqual(data.alreadyDone.map((d) => d.phase), ['1a']);
    const diff = await runCli(['fix', dir, '--diff', '--format', 'json']);
    assert.equal(diff.code, 2);
    assert.match(diff.stderr, /^error: --diff prints a patch, not json$/m);
  });
});
