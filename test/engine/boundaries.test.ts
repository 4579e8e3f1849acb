/**
 * Service boundaries (`boundaries:` in the config, model/boundary.ts): one
 * fixture per contract type under test/fixtures/boundaries/<type>/ (a
 * mini-monorepo and the snapshot `expected.json` of its violations;
 * UPDATE_SNAPSHOTS=1 rewrites it — review the diff), the verdict on single
 * imports, `ssot check` with them (exit code, json, sarif, baseline) and the
 * config's errors about them.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { checkBoundaries } from '../../src/engine/boundaries.js';
import { contractForbids, type Contract } from '../../src/model/boundary.js';
import { assertOneLineError, repoRoot, runCli, tempDir } from '../cli/run.js';
import { sarifValidator } from '../cli/sarif.js';
import { formatSnapshot, sourceText } from '../scan/snapshot.js';

const casesDir = path.join(repoRoot, 'test/fixtures/boundaries');
const update = process.env.UPDATE_SNAPSHOTS === '1';

describe('boundary fixtures', () => {
  const cases = readdirSync(casesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  test('one fixture per contract type', () => {
    assert.deepEqual(cases, ['forbidden', 'independence', 'layers']);
  });
  for (const name of cases) {
    test(`boundary fixture: ${name}`, async () => {
      const dir = path.join(casesDir, name);
      const config = await loadConfig(dir);
      const { findings, problems } = await checkBoundaries({ root: dir, config, cache: false });
      assert.deepEqual(problems, []);
      const compact = findings.map((f) => ({
        file: f.file,
        line: f.line,
        column: f.column,
        text: sourceText(path.join(dir, f.file), f),
        rule: f.rule,
        module: f.symbol,
        from: f.service,
        to: f.boundary?.toService,
        moduleFile: f.boundary?.moduleFile,
      }));
      const expectedFile = path.join(dir, 'expected.json');
      if (update) writeFileSync(expectedFile, formatSnapshot(compact));
      assert.ok(existsSync(expectedFile), `${name}: no expected.json (run with UPDATE_SNAPSHOTS=1 and review it)`);
      assert.deepEqual(compact, JSON.parse(readFileSync(expectedFile, 'utf8')));
      // the position is the module the statement names (`from billing import invoices`: billing)
      for (const c of compact) assert.ok(c.module === c.text || c.module.startsWith(`${c.text}.`), `${c.file}:${c.line}: ${c.text}`);
    });
  }
});

describe('contract verdicts', () => {
  const contract = (over: Partial<Contract>): Contract => ({ name: 'c', type: 'forbidden', from: [], to: [], services: [], layers: [], allow: [], configLocation: 'x:1', ...over });
  test('forbidden: one direction only; allow covers a module and what lies under it', () => {
    const c = contract({ type: 'forbidden', from: ['api'], to: ['billing'], allow: ['billing.public'] });
    assert.equal(contractForbids(c, 'api', 'billing', 'billing.invoices'), true);
    assert.equal(contractForbids(c, 'billing', 'api', 'api.views'), false);
    assert.equal(contractForbids(c, 'api', 'billing', 'billing.public'), false);
    assert.equal(contractForbids(c, 'api', 'billing', 'billing.public.prices'), false);
    assert.equal(contractForbids(c, 'api', 'billing', 'billing.publicity'), true);
  });
  test('independence: both directions inside the set, nothing outside it', () => {
    const c = contract({ type: 'independence', services: ['a', 'b'] });
    assert.equal(contractForbids(c, 'a', 'b', 'b.x'), true);
    assert.equal(contractForbids(c, 'b', 'a', 'a.x'), true);
    assert.equal(contractForbids(c, 'a', 'shared', 'shared.x'), false);
    assert.equal(contractForbids(c, 'a', 'a', 'a.x'), false);
  });
  test('layers: down and sideways within a layer are allowed, up is not', () => {
    const c = contract({ type: 'layers', layers: [['web'], ['domain', 'jobs'], ['data']] });
    assert.equal(contractForbids(c, 'web', 'data', 'data.db'), false);
    assert.equal(contractForbids(c, 'domain', 'jobs', 'jobs.q'), false);
    assert.equal(contractForbids(c, 'data', 'domain', 'domain.m'), true);
    assert.equal(contractForbids(c, 'jobs', 'web', 'web.app'), true);
    assert.equal(contractForbids(c, 'shared', 'web', 'web.app'), false);
  });
});

describe('ssot check with boundaries', () => {
  test('violations fail the check, in json and valid sarif, under their contract', () => {
    const dir = path.join(casesDir, 'independence');
    const json = runCli(['check', dir, '--format', 'json', '--no-cache']);
    assert.equal(json.status, 1, json.stderr);
    const report = JSON.parse(json.stdout) as { findings: { rule: string; kind: string; boundary?: { toService: string } }[]; summary: { byKind: Record<string, number> } };
    assert.deepEqual(report.summary.byKind, { boundary: 2 });
    assert.deepEqual(report.findings.map((f) => [f.rule, f.boundary?.toService]), [['independence: a, b, c', 'b'], ['independence: a, b, c', 'c']]);
    const sarif = runCli(['check', dir, '--format', 'sarif', '--no-cache']);
    const log = JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } }; results: unknown[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(log.runs[0]!.results.length, 2);
    assert.match(log.runs[0]!.tool.driver.rules[0]!.shortDescription.text, /^Service boundary/);
    // --rule names a rule of the migration: the boundaries are not checked then
    assert.equal(runCli(['check', dir, '--rule', 'legacy-helper', '--no-cache']).status, 0);
  });

  test('the baseline accepts today\'s violations and fails a new one', () => {
    const dir = tempDir('boundaries-baseline');
    try {
      cpSync(path.join(casesDir, 'forbidden'), dir, { recursive: true });
      const written = runCli(['baseline', dir]);
      assert.equal(written.status, 0, written.stderr);
      const baseline = path.join(dir, 'ssot-baseline.json');
      assert.match(readFileSync(baseline, 'utf8'), /"kind":"boundary"/);
      assert.equal(runCli(['check', dir, '--baseline', baseline]).status, 0);
      writeFileSync(path.join(dir, 'api/new.py'), 'from billing.invoices import make_invoice\n');
      const failed = runCli(['check', dir, '--baseline', baseline, '--format', 'concise']);
      assert.equal(failed.status, 1, failed.stdout);
      assert.match(failed.stdout, /^api\/new\.py:1:6 {2}api does not reach into billing {2}api imports `billing\.invoices` \(service billing\)/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a contract naming no service, a service in two layers, a name that is a rule id: one line each, exit 2', () => {
    const dir = tempDir('boundaries-config');
    try {
      const base = readFileSync(path.join(casesDir, 'layers/ssot.config.yaml'), 'utf8');
      cpSync(path.join(casesDir, 'layers'), dir, { recursive: true });
      const cases: [string, RegExp][] = [
        ['layers: [web, [domain, jobs], datta]', /ssot\.config\.yaml:\d+: `boundaries\[0\]\.layers\[2\]\[0\]` names no service: "datta" \(known: web, domain, jobs, data, shared\)/],
        ['layers: [web, [domain, web], data]', /`boundaries\[0\]\.layers\[1\]` puts service "web" in a second layer/],
        ['layers: [web]', /boundaries/],
      ];
      for (const [layers, expected] of cases) {
        writeFileSync(path.join(dir, 'ssot.config.yaml'), base.replace('layers: [web, [domain, jobs], data]', layers));
        assert.match(assertOneLineError(runCli(['check', dir])), expected);
      }
      writeFileSync(path.join(dir, 'ssot.config.yaml'), base.replace('name: layered', 'name: legacy-helper'));
      assert.match(assertOneLineError(runCli(['check', dir])), /`boundaries\[0\]\.name` "legacy-helper" is also a rule id/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
