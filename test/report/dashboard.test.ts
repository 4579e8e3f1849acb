/**
 * The example after three phases and a rollback, end to end: a git copy of
 * examples/redis-monorepo; `fix --phase 1a`, `1b`, `2a`; `rollback --phase
 * 2a`. Then `ssot history` must give the expected series (totals and per
 * phase at each commit, with the phase and rollback events), `ssot report
 * --format json` the document (compared, normalised, with the committed
 * fixture the Markdown snapshots render from), and the HTML dashboard is
 * opened in a real headless Chromium (Debian's, installed by
 * scripts/pretest.sh) driven by playwright-core: no console error, no
 * request, the chart and the heat map show the numbers of the JSON, and
 * screenshots at desktop and 375 px width are saved under test-artifacts/.
 *
 * The copy's gate is a fast real check (`python3 -m compileall`) instead of
 * the golden-path suite with Redis, which test/phases/example.test.ts runs:
 * the gate evidence is real, the suite stays fast.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import type { HistoryResult } from '../../src/phases/history.js';
import type { ReportDocument } from '../../src/report/reportData.js';
import { CLI, git, REPO, removeRepo, runCli } from '../phases/helpers.js';
import { normaliseReport } from './normalise.js';
import { SNAPSHOT_DIR } from './snapshot.js';

const EXAMPLE = path.join(REPO, 'examples/redis-monorepo');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'test-artifacts');
/** The flags known to work on these machines (no background networking: the network is closed). */
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));

function exampleRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-dashboard-'));
  dirs.push(dir);
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[/\\](__pycache__|\.pytest_cache|\.ruff_cache|\.ssot|\.benchmarks)$/.test(src) });
  const config = path.join(dir, 'ssot.config.yaml');
  const text = readFileSync(config, 'utf8').replace(/^gates:\n(?: {2}.*\n?)*/m, 'gates:\n  - { name: compiles, run: "python3 -m compileall -q .", when: both, timeout: 120 }\n');
  assert.match(text, /name: compiles/);
  writeFileSync(config, text);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'baseline');
  return dir;
}

/** Findings of `ssot scan` of a checkout (synchronously: the CLI's bundle, as the tests run it). */
function scanCount(tree: string): number {
  const result = spawnSync(process.execPath, [CLI, 'scan', tree, '--format', 'json', '--no-cache'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { findings: unknown[] }).findings.length;
}

async function ok(args: string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.code, 0, `ssot ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

describe('the example after three phases and a rollback', () => {
  let dir: string;
  let commits: string[];
  let doc: ReportDocument;
  before(async () => {
    dir = exampleRepo();
    for (const phase of ['1a', '1b', '2a']) await ok(['fix', dir, '--phase', phase]);
    await ok(['rollback', dir, '--phase', '2a']);
    commits = git(dir, 'log', '--reverse', '--format=%H').split('\n');
  });

  it('ssot history gives the expected series, with the phase commits and the rollback as events', async () => {
    const history = JSON.parse(await ok(['history', dir, '--format', 'json'])) as HistoryResult;
    assert.equal(history.every, 'commit');
    assert.deepEqual(history.points.map((p) => p.commit), commits);
    // each point is what `ssot scan` of that commit finds (cross-file references to names a fix removes included)
    const scanned = commits.map((commit, i) => {
      const tree = path.join(mkdtempSync(path.join(os.tmpdir(), 'ssot-history-at-')), String(i));
      dirs.push(path.dirname(tree));
      git(dir, 'worktree', 'add', '-q', '--detach', tree, commit);
      return scanCount(tree);
    });
    assert.deepEqual(history.points.map((p) => p.total), scanned);
    assert.deepEqual(scanned, [114, 98, 92, 76, 92]);
    const byPhase = (id: string) => history.points.map((p) => p.byPhase[id] ?? 0);
    assert.deepEqual(byPhase('1a'), [16, 0, 0, 0, 0]);
    assert.deepEqual(byPhase('1b'), [48, 48, 42, 42, 42]);
    assert.deepEqual(byPhase('2a'), [16, 16, 16, 0, 16]);
    for (const id of ['2b', '3a', '3b']) assert.deepEqual(new Set(byPhase(id)).size, 1, `phase ${id} untouched`);
    assert.deepEqual(history.points.map((p) => p.byFix.manual), [38, 38, 38, 38, 38], 'the phases fix only what is safe');
    assert.deepEqual(history.points.map((p) => p.events.map((e) => `${e.type}:${e.phase}`)), [[], ['phase:1a'], ['phase:1b'], ['phase:2a'], ['rollback:2a']]);
    assert.equal(history.points[0]!.byService.auth_service, 48);
    assert.equal(history.points[2]!.byService.auth_service, 42);
    // a second run answers every file version from the cache
    const again = JSON.parse(await ok(['history', dir, '--format', 'json'])) as HistoryResult;
    assert.equal(again.stats.processed, 0);
    assert.equal(again.stats.cached, again.stats.versions);
    assert.deepEqual(again.points.map((p) => p.total), history.points.map((p) => p.total));
    // a window from a ref, and CSV
    const since = JSON.parse(await ok(['history', dir, '--format', 'json', '--since', commits[2]!, '--no-cache'])) as HistoryResult;
    assert.deepEqual(since.points.map((p) => p.total), [92, 76, 92]);
    const csv = (await ok(['history', dir, '--format', 'csv'])).trimEnd().split('\n');
    assert.match(csv[0]!, /^date,commit,total,files_with_findings,phase:1a,phase:1b,phase:2a,phase:2b,phase:3a,phase:3b,service:netra_backend,/);
    assert.match(csv[4]!, new RegExp(`,${commits[3]},76,`));
    assert.match(csv[5]!, /,rollback:2a$/);
    const bad = await runCli(['history', dir, '--since', 'not-a-ref']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: --since not-a-ref: neither a date \(YYYY-MM-DD\) nor a commit of this repository$/m);
  });

  it('ssot report --format json is the document the views render (normalised, it matches the committed fixture)', async () => {
    doc = JSON.parse(await ok(['report', dir, '--format', 'json'])) as ReportDocument;
    assert.equal(doc.totals.before?.total, 114);
    // now: a scan of the tree — the last point of the history (both count the two-part references into modules a fix changes)
    assert.equal(doc.totals.now.total, 92);
    assert.deepEqual(doc.phases.map((p) => p.status), ['done', 'done', 'rolled-back', 'pending', 'pending', 'pending']);
    assert.ok(doc.phases[0]!.gates.every((g) => g.ok && g.name === 'compiles'));
    assert.deepEqual(doc.phases[2]!.gates.map((g) => g.moment), ['before', 'after', 'rollback']);
    assert.equal(doc.manual.reduce((n, g) => n + g.count, 0), doc.totals.now.manual + doc.totals.now.unsafe);
    const fixture = path.join(SNAPSHOT_DIR, 'example-report.json');
    const normalised = `${JSON.stringify(normaliseReport(doc), null, 2)}\n`;
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(fixture, normalised);
    assert.deepEqual(JSON.parse(normalised), JSON.parse(readFileSync(fixture, 'utf8')));
    const md = await ok(['report', dir, '--format', 'markdown']);
    assert.match(md, /^\| Deprecated uses \| 114 \| 92 \| −22 \|$/m);
    const daily = await ok(['status', dir, '--format', 'markdown']);
    assert.match(daily, /^- Findings on the branch: 114 → 92 \(−22\) over 5 commits\.$/m);
  });

  it('the HTML dashboard in headless Chromium: no console error, chart and heat map = the JSON, screenshots', { skip: !existsSync(CHROMIUM) && `needs ${CHROMIUM} (scripts/pretest.sh installs Debian's chromium)` }, async () => {
    doc ??= JSON.parse(await ok(['report', dir, '--format', 'json'])) as ReportDocument;
    const html = path.join(dir, 'report.html');
    await ok(['report', dir, '--format', 'html', '--output', html]);
    mkdirSync(ARTIFACTS, { recursive: true });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
      for (const width of [1200, 375]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
        });
        await page.goto(`file://${html}`);
        await page.waitForFunction(() => Boolean((window as unknown as { ssotDashboard?: { charts: { burndown?: unknown } } }).ssotDashboard?.charts.burndown));
        const chart = await page.evaluate(() => {
          const c = (window as unknown as { ssotDashboard: { charts: { burndown: { data: { labels: string[]; datasets: { label: string; data: number[] }[] } } } } }).ssotDashboard.charts.burndown;
          return { labels: c.data.labels, datasets: c.data.datasets.map((d) => ({ label: d.label, data: [...d.data] })) };
        });
        const points = doc.history!.points;
        assert.equal(chart.labels.length, points.length);
        assert.deepEqual(
          chart.datasets.map((d) => d.label),
          doc.phases.map((p) => `phase ${p.id}`),
        );
        for (const [i, p] of doc.phases.entries()) assert.deepEqual(chart.datasets[i]!.data, points.map((pt) => pt.byPhase[p.id] ?? 0), `chart series of phase ${p.id}`);
        // the stacked series add up to the totals the JSON gives
        assert.deepEqual(points.map((_, j) => chart.datasets.reduce((n, d) => n + d.data[j]!, 0)), points.map((p) => p.total));
        const cells = await page.$$eval('#heatmap td.cell', (tds) => tds.map((td) => [td.getAttribute('data-service'), td.getAttribute('data-phase'), Number(td.getAttribute('data-count')), td.textContent]));
        const expected = doc.heatmap.services.flatMap((s, i) => doc.heatmap.phases.map((p, j) => [s, p, doc.heatmap.cells[i]![j]!, doc.heatmap.cells[i]![j]! ? String(doc.heatmap.cells[i]![j]) : '·']));
        assert.deepEqual(cells, expected);
        const cards = await page.$$eval('.card', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-card'), e.querySelector('.n')?.textContent])));
        assert.equal(cards.now, String(doc.totals.now.total));
        assert.equal(cards.before, String(doc.totals.before!.total));
        const phaseCards = await page.$$eval('article.phase', (els) => els.map((e) => e.getAttribute('data-phase')));
        assert.deepEqual(phaseCards, doc.phases.map((p) => p.id));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `no horizontal scrolling at ${width}px (${overflow}px too wide)`);
        await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${width}.png`), fullPage: true });
        assert.deepEqual(problems, []);
        await page.close();
      }
    } finally {
      await browser?.close();
    }
  });
});
