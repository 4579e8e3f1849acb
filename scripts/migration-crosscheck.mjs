#!/usr/bin/env node
/**
 * ssot against ruff's own fixers, on real projects with their own test
 * suites (scripts/realcode/: wheels from the package index, one venv each):
 *
 *   - `mock` backport → `unittest.mock` (ruff UP026), one rule:
 *       deprecated ["import mock"], canonical "from unittest import mock"
 *   - `typing` → `collections.abc` (ruff UP035, target py39), one rule of two lines.
 *
 * For each project and migration, on a fresh copy of the tree: ruff's
 * fixable diagnostics of the migration before, the ones left after `ssot fix`
 * (coverage = fixed / before), new ruff F821/F823, files that do not compile,
 * `_ssot`-style aliases, calls lost by a move, a second run that changes
 * nothing, and the project's test suite on the original and on the ssot copy.
 *
 *   npm run build && bash scripts/realcode/setup.sh && node scripts/migration-crosscheck.mjs [NAME…] [--no-tests]
 *
 * REALCODE_ROOT (default bench/.corpora/realcode) holds the trees and venvs.
 * Exit 1 when a check fails (coverage below 95 %, a new undefined name, a
 * compile failure, an invented alias, a lost call, a non-idempotent run, or a
 * test suite that changed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REALCODE = process.env.REALCODE_ROOT ?? path.join(REPO, 'bench/.corpora/realcode');
const { loadConfig } = await import(path.join(REPO, 'dist/src/config/compile.js'));
const { computeFixes } = await import(path.join(REPO, 'dist/src/engine/fix.js'));
const { writeFileFixes } = await import(path.join(REPO, 'dist/src/engine/write.js'));
const { getParser } = await import(path.join(REPO, 'dist/src/parsing/treeSitter.js'));
const { PYTHON_GRAMMAR } = await import(path.join(REPO, 'dist/src/languages/python/grammar.js'));

const ABC = [
  'AsyncGenerator', 'AsyncIterable', 'AsyncIterator', 'Awaitable', 'ByteString', 'Collection', 'Container', 'Coroutine', 'Generator',
  'Hashable', 'ItemsView', 'Iterable', 'Iterator', 'KeysView', 'Mapping', 'MappingView', 'MutableMapping', 'MutableSequence', 'MutableSet',
  'Reversible', 'Sequence', 'Sized', 'ValuesView',
];
const MIGRATIONS = {
  mock: {
    ruff: ['UP026'],
    relevant: () => true,
    config: `version: 1
canonical:
  mock: "from unittest import mock"
rules:
  - id: mock-backport
    deprecated: ["import mock"]
    replaceWith: mock
    map: { "mock.mock": "unittest.mock" }   # the backport's implementation module is unittest.mock itself
`,
    move: true,
  },
  abc: {
    ruff: ['UP035'],
    // UP035 also moves `collections.Mapping` and `typing.Pattern`: other migrations
    relevant: (d) => d.message.includes('collections.abc') && lineAt(d.filename, d.location.row).includes('typing'),
    config: `version: 1
canonical:
  abc: "from collections.abc import ${[...ABC, 'Set'].join(', ')}"
rules:
  - id: typing-abc
    deprecated: ["from typing import ${[...ABC, 'AbstractSet'].join(', ')}"]
    replaceWith: abc
    map: { AbstractSet: Set }
`,
    move: true,
  },
};
// which migrations each project exercises (scripts/realcode/projects.sh holds how to test it)
const PROJECTS = {
  spacy: ['mock', 'abc'],
  srsly: ['mock'],
  humanfriendly: ['mock'],
  tornado: ['abc'],
  hyperlink: ['abc'],
};

const lineCache = new Map();
/** Line `row` (1-based) of a file, to tell which import a ruff diagnostic is about. */
function lineAt(file, row) {
  if (!lineCache.has(file)) lineCache.set(file, readFileSync(file, 'utf8').split('\n'));
  return lineCache.get(file)[row - 1] ?? '';
}

const args = process.argv.slice(2);
const runTests = !args.includes('--no-tests');
const only = args.filter((a) => !a.startsWith('--'));
const ruffBin = (() => {
  const probe = spawnSync('python3', ['-m', 'ruff', '--version'], { encoding: 'utf8' });
  return probe.status === 0 ? ['python3', '-m', 'ruff'] : ['ruff'];
})();

function treeOf(name) {
  const dir = readdirSync(path.join(REALCODE, 'trees')).find((d) => d.startsWith(`${name}-`));
  if (!dir) throw new Error(`no tree for ${name} under ${REALCODE}/trees (run scripts/realcode/setup.sh)`);
  return path.join(REALCODE, 'trees', dir);
}

function ruff(dir, select, extra = []) {
  const out = spawnSync(ruffBin[0], [...ruffBin.slice(1), 'check', '--select', select.join(','), '--no-cache', '--isolated', '--target-version', 'py39', '--output-format', 'json', '--exit-zero', ...extra, dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out.stdout || '[]');
}

function pyFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.py') || e.name.endsWith('.pyi')) out.push(full);
    }
  };
  walk(dir);
  return out;
}

async function callCount(text) {
  const parser = await getParser(PYTHON_GRAMMAR);
  const tree = parser.parse(text);
  const n = tree.rootNode.descendantsOfType('call').length;
  tree.delete();
  return n;
}

function compileErrors(files) {
  const script = 'import sys\nbad=0\nfor p in sys.argv[1:]:\n    try:\n        compile(open(p, encoding="utf-8").read(), p, "exec")\n    except Exception as e:\n        print(p, e); bad+=1\nprint("BAD", bad)';
  const out = execFileSync('python3', ['-c', script, ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return Number(/BAD (\d+)/.exec(out)?.[1] ?? 0);
}

function tests(name, dir) {
  const r = spawnSync('bash', [path.join(REPO, 'scripts/realcode/run-tests.sh'), name, dir], { encoding: 'utf8', env: { ...process.env, REALCODE_ROOT: REALCODE } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const counts = /(\d+) passed, (\d+) failed, (\d+) errors, (\d+) skipped/.exec(line);
  return { line, key: counts ? counts.slice(1).join('/') : line };
}

const rows = [];
let failed = false;
for (const [name, migrations] of Object.entries(PROJECTS)) {
  if (only.length && !only.includes(name)) continue;
  const tree = treeOf(name);
  const baseline = runTests ? tests(name, tree) : null;
  for (const id of migrations) {
    const m = MIGRATIONS[id];
    const work = mkdtempSync(path.join(os.tmpdir(), `ssot-xcheck-${name}-${id}-`));
    try {
      cpSync(tree, work, { recursive: true });
      writeFileSync(path.join(work, 'ssot.config.yaml'), m.config);
      const before = ruff(work, m.ruff).filter((d) => d.fix && m.relevant(d));
      lineCache.clear();
      const undefinedBefore = ruff(work, ['F821', 'F823']).length;
      const originals = new Map(pyFiles(work).map((f) => [f, readFileSync(f, 'utf8')]));
      const config = await loadConfig(work);
      const run = await computeFixes({ root: work, config, compileCheck: {} });
      const { written } = writeFileFixes(work, run.files);
      const after = ruff(work, m.ruff).filter((d) => d.fix && m.relevant(d));
      const undefinedAfter = ruff(work, ['F821', 'F823']).length;
      const changed = written.map((rel) => path.join(work, rel));
      const badCompile = changed.length ? compileErrors(changed) : 0;
      const aliases = changed.filter((f) => /\b\w+_ssot\d*\b/.test(readFileSync(f, 'utf8'))).length;
      let lostCalls = 0;
      if (m.move) for (const f of changed) if ((await callCount(readFileSync(f, 'utf8'))) !== (await callCount(originals.get(f)))) lostCalls++;
      const second = await computeFixes({ root: work, config, compileCheck: false });
      const idempotent = second.files.every((f) => f.status !== 'changed');
      const fixedByRuff = before.length;
      const left = after.length;
      const coverage = fixedByRuff ? (fixedByRuff - left) / fixedByRuff : 1;
      const suite = runTests ? tests(name, work) : null;
      const sameTests = !runTests || suite.key === baseline.key;
      const ok = coverage >= 0.95 && undefinedAfter <= undefinedBefore && badCompile === 0 && aliases === 0 && lostCalls === 0 && idempotent && sameTests;
      failed ||= !ok;
      rows.push({
        name,
        id,
        fixedByRuff,
        left,
        coverage: `${(coverage * 100).toFixed(1)} %`,
        files: written.length,
        safe: run.summary.fixedSafe,
        manual: Object.values(run.summary.leftByReason).reduce((a, b) => a + b, 0),
        undefined: `${undefinedBefore} → ${undefinedAfter}`,
        badCompile,
        aliases,
        lostCalls,
        idempotent,
        tests: runTests ? `${baseline.key} → ${suite.key}` : 'not run',
        ok,
        leftovers: after.slice(0, 3).map((d) => `${path.relative(work, d.filename)}:${d.location.row} ${d.message}`),
      });
      process.stderr.write(`${name} ${id}: ${rows.at(-1).coverage} of ruff's ${fixedByRuff}, tests ${rows.at(-1).tests}${ok ? '' : '  ✗'}\n`);
    } finally {
      if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
      else process.stderr.write(`kept ${work}\n`);
    }
  }
}

const head = '| project | migration | ruff fixes | left after ssot | coverage | files written | safe fixes | left manual | F821/F823 | compile failures | `_ssot` aliases | calls lost | idempotent | tests (passed/failed/errors/skipped) |';
const lines = [head, '|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---|'];
for (const r of rows) {
  lines.push(`| ${r.name} | ${r.id} | ${r.fixedByRuff} | ${r.left} | ${r.coverage} | ${r.files} | ${r.safe} | ${r.manual} | ${r.undefined} | ${r.badCompile} | ${r.aliases} | ${r.lostCalls} | ${r.idempotent ? 'yes' : 'NO'} | ${r.tests} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
for (const r of rows) for (const l of r.leftovers) process.stdout.write(`- left in ${r.name} (${r.id}): ${l}\n`);
process.exitCode = failed ? 1 : 0;
