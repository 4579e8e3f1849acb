/**
 * The Markdown views of the report document, as snapshots, rendered from the
 * committed fixture test/fixtures/report/example-report.json (the example
 * after phases 1a, 1b, 2a and the rollback of 2a, normalised; the dashboard
 * test checks a real run still produces it, and rewrites it with
 * UPDATE_SNAPSHOTS=1). Also the monitor section, from a watch verdict.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { renderReportMarkdown, renderStatusMarkdown } from '../../src/report/migrationMarkdown.js';
import type { ReportDocument } from '../../src/report/reportData.js';
import { assertSnapshot, SNAPSHOT_DIR } from './snapshot.js';

const doc = JSON.parse(readFileSync(path.join(SNAPSHOT_DIR, 'example-report.json'), 'utf8')) as ReportDocument;

test('the post-completion report (ssot report --format markdown)', () => {
  const md = renderReportMarkdown(doc);
  assertSnapshot('example-report.md', md);
  for (const heading of ['## Summary', '## Before and after', '## What each phase changed', '## Gate evidence', '## Progress over time', '## What remains and who must do it', '## Rollback procedures']) {
    assert.ok(md.includes(`\n${heading}\n`), heading);
  }
  assert.match(md, /^- Phase 1a: `ssot rollback --phase 1a` — reverts `3333333`; the gates run again\.$/m);
  assert.doesNotMatch(md, /ssot rollback --phase 2a/, 'a rolled-back phase has nothing to roll back');
});

test('the daily update (ssot status --format markdown)', () => {
  assertSnapshot('example-status.md', renderStatusMarkdown(doc));
});

test('a monitor verdict becomes a section of the report and a line of the update', () => {
  const withMonitor: ReportDocument = {
    ...doc,
    monitor: {
      file: 'watch.json',
      outcome: 'breach',
      exitCode: 1,
      reason: 'confirmed regression: golden-path latency',
      startedAt: '2026-01-01T00:00:00Z',
      elapsedMs: 8100,
      intervals: 9,
      signals: [
        { id: 'golden-path latency', source: 'probe', name: 'latency', kind: 'latency', status: 'fail', value: 57.62, baseline: 47.63, unit: 'ms', threshold: 'ratio ≤ 1.05', critical: false, consecutiveFailures: 3, confirmed: true },
      ] as unknown as NonNullable<ReportDocument['monitor']>['signals'],
    },
  };
  const md = renderReportMarkdown(withMonitor);
  assert.match(md, /^Latest verdict \(`watch\.json`, started 2026-01-01 00:00 UTC\): \*\*BREACH\*\* — confirmed regression: golden-path latency\.$/m);
  assert.match(md, /^\| golden-path latency \| \*\*FAIL\*\* \| 57\.62 ms \| 47\.63 ms \| ratio ≤ 1\.05 \|$/m);
  assert.match(renderStatusMarkdown(withMonitor), /^- Production monitor: \*\*BREACH\*\* — confirmed regression: golden-path latency\.$/m);
});
