/** Which commits become points of `ssot history`, and which events a commit carries (pure functions). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsOf, samplePoints } from '../../src/phases/history.js';
import type { BranchCommit } from '../../src/workspace/gitHistory.js';

const commit = (id: string, date: string, extra: Partial<BranchCommit> = {}): BranchCommit => ({
  commit: id.repeat(40).slice(0, 40),
  date,
  subject: id,
  phases: [],
  rollbacks: [],
  files: [],
  reverts: null,
  ...extra,
});

test('daily sampling keeps the first commit, the last of each committer day, and every commit with an event', () => {
  const commits = [
    commit('a', '2026-11-01T09:00:00+01:00'),
    commit('b', '2026-11-01T18:00:00+01:00'),
    commit('c', '2026-11-01T23:30:00-05:00'), // the committer's own day is still the 1st
    commit('d', '2026-11-02T10:00:00+00:00'),
    commit('e', '2026-11-02T11:00:00+00:00'),
    commit('f', '2026-11-04T08:00:00+00:00'),
  ];
  assert.deepEqual(samplePoints(commits, 'day', () => false), [0, 2, 4, 5]);
  assert.deepEqual(samplePoints(commits, 'day', (i) => i === 3), [0, 2, 3, 4, 5]);
  assert.deepEqual(samplePoints(commits, 'commit', () => false), [0, 1, 2, 3, 4, 5]);
});

test('events come from ssot trailers, and from a plain git revert of a phase commit', () => {
  const phase = commit('1', '2026-11-01T09:00:00Z', { phases: ['1a'] });
  const phases = new Map([[phase.commit, '1a']]);
  assert.deepEqual(eventsOf(phase, phases).map((e) => [e.type, e.phase]), [['phase', '1a']]);
  assert.deepEqual(eventsOf(commit('2', '2026-11-01T10:00:00Z', { rollbacks: ['1a'] }), phases).map((e) => [e.type, e.phase]), [['rollback', '1a']]);
  assert.deepEqual(
    eventsOf(commit('3', '2026-11-01T10:00:00Z', { rollbacks: ['1a'], files: ['core/a.py'] }), phases).map((e) => [e.type, e.phase, e.file]),
    [['file-rollback', '1a', 'core/a.py']],
  );
  assert.deepEqual(eventsOf(commit('4', '2026-11-01T11:00:00Z', { reverts: phase.commit }), phases).map((e) => [e.type, e.phase]), [['rollback', '1a']]);
  assert.deepEqual(eventsOf(commit('5', '2026-11-01T11:00:00Z', { reverts: 'f'.repeat(40) }), phases), [], 'a revert of another commit is no event');
});
