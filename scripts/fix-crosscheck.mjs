#!/usr/bin/env node
/**
 * Cross-check of `ssot fix` on real third-party code: a copy of this machine's
 * site-packages (or DIR), rewritten with rules that move widely imported
 * symbols, must gain no ruff F821/F823 finding and no compile failure, and a
 * second run must change nothing.
 *
 *   npm run build && node scripts/fix-crosscheck.mjs [DIR] [--keep] [--unsafe]
 *
 * DIR defaults to `python3 -c "import sysconfig; print(sysconfig.get_paths()['purelib'])"`.
 * Only *.py files are copied (to a temp dir, removed afterwards unless --keep);
 * the original is never touched. The rules (see RULES) cover the three kinds
 * of rewrite:
 *   - a pure move of a name used in type positions (`typing.Optional` →
 *     `typing_extensions.Optional`): import statements are edited everywhere;
 *   - class → instance (`pathlib.Path()` — the current directory — becomes the
 *     shared instance `cwd`; `Path` in type positions becomes the `types`
 *     class; `Path(x)` and the rest stay manual);
 *   - instance → instance (`functools.partial` → `bind`, a name that is often
 *     a local or a parameter already, so the name choice is exercised).
 * The canonical modules do not exist: nothing is imported or run, only
 * compiled and checked by ruff. Exit 1 when a check fails.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { loadConfig } = await import(path.join(REPO, 'dist/src/config/compile.js'));
const { computeFixes } = await import(path.join(REPO, 'dist/src/engine/fix.js'));
const { writeFileFixes } = await import(path.join(REPO, 'dist/src/engine/write.js'));

const RULES = `version: 1
language: python
sourceRoots: ["."]
canonical:
  optional: "from typing_extensions import Optional"
  cwd: "from ssot_crosscheck.paths import cwd"
  bind: "from ssot_crosscheck.functional import bind"
rules:
  - id: optional-move
    deprecated: ["from typing import Optional"]
    replaceWith: optional
    types: "from typing_extensions import Optional"
  - id: path-default
    deprecated: ["from pathlib import Path"]
    replaceWith: cwd
    types: "from ssot_crosscheck.paths import Path"
  - id: partial-rename
    deprecated: ["from functools import partial"]
    replaceWith: bind
`;

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const unsafe = args.includes('--unsafe');
const python = resolvePython();
const source = path.resolve(args.find((a) => !a.startsWith('--')) ?? purelib());
const ruff = resolveRuff();

const started = Date.now();
const work = mkdtempSync(path.join(os.tmpdir(), 'ssot-crosscheck-'));
try {
  process.stderr.write(`copying *.py of ${source} to ${work}\n`);
  cpSync(source, work, {
    recursive: true,
    filter: (src) => {
      const stat = statSync(src, { throwIfNoEntry: false });
      if (!stat) return false;
      return stat.isDirectory() ? !src.endsWith('__pycache__') : src.endsWith('.py');
    },
  });
  writeFileSync(path.join(work, 'ssot.config.yaml'), RULES);
  const config = await loadConfig(work);

  process.stderr.write('planning and validating (ssot fix)\n');
  const run = await computeFixes({ root: work, config, unsafe, python });
  const withFindings = run.files.map((f) => f.file);
  const changed = run.files.filter((f) => f.status === 'changed');
  const refused = run.files.filter((f) => f.status === 'refused');

  // the reference: ruff and compile on the files as they were
  process.stderr.write(`ruff F821/F823 before (${withFindings.length} files with findings)\n`);
  const ruffBefore = ruffFindings(work, changed.map((f) => f.file));
  const compileBefore = compileErrors(changed.map((f) => [f.file, f.original.toString('utf8').replace(/^\uFEFF/, '')]));

  writeFileFixes(work, run.files);
  process.stderr.write('ruff F821/F823 and compile after\n');
  const ruffAfter = ruffFindings(work, changed.map((f) => f.file));
  const compileAfter = compileErrors(changed.map((f) => [f.file, readFileSync(path.join(work, f.file), 'utf8').replace(/^\uFEFF/, '')]));
  const newCompileFailures = [...compileAfter.keys()].filter((file) => !compileBefore.has(file));

  // new findings: per file and code, more after than before (lines move, names may change)
  const tally = (findings) => {
    const counts = new Map();
    for (const f of findings) {
      const k = `${path.relative(work, f.filename)}\0${f.code}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  };
  const before = tally(ruffBefore);
  const after = tally(ruffAfter);
  const grown = [...after].filter(([k, n]) => n > (before.get(k) ?? 0));
  const newFindings = grown.reduce((sum, [k, n]) => sum + n - (before.get(k) ?? 0), 0);

  process.stderr.write('second run\n');
  const second = await computeFixes({ root: work, config, unsafe, python });
  const secondChanged = second.files.filter((f) => f.status === 'changed');

  const s = run.summary;
  const line = (label, value) => process.stdout.write(`${label.padEnd(34)} ${value}\n`);
  process.stdout.write(`\nssot fix crosscheck — ${source}\n`);
  line('python files copied', countPy(work));
  line('files with findings', withFindings.length);
  line('findings', run.findings.length);
  line('files changed', changed.length);
  line('files refused by validation', refused.length);
  line('fixes applied (safe / unsafe)', `${s.fixedSafe} / ${s.fixedUnsafe}`);
  line('findings left for a person', Object.values(s.leftByReason).reduce((a, b) => a + b, 0));
  line('ruff F821/F823 before (changed)', ruffBefore.length);
  line('ruff F821/F823 after (changed)', ruffAfter.length);
  line('new ruff F821/F823', newFindings);
  line('compile failures after (new)', `${compileAfter.size} (${newCompileFailures.length})`);
  line('second run: files changed', secondChanged.length);
  line('python available for validation', run.pythonAvailable);
  line('seconds', ((Date.now() - started) / 1000).toFixed(1));
  if (refused.length) {
    process.stdout.write('\nrefused:\n');
    for (const f of refused.slice(0, 20)) process.stdout.write(`  ${f.file}: ${f.reason}\n`);
  }
  process.stdout.write('\nleft by reason:\n');
  for (const [reason, n] of Object.entries(s.leftByReason).sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${String(n).padStart(6)}  ${reason}\n`);
  if (grown.length) {
    process.stdout.write('\nnew ruff findings:\n');
    for (const [k] of grown) {
      const [file, code] = k.split('\0');
      for (const f of ruffAfter) if (path.relative(work, f.filename) === file && f.code === code) process.stdout.write(`  ${file}:${f.location.row} ${f.code} ${f.message}\n`);
    }
  }
  for (const file of newCompileFailures) process.stdout.write(`  does not compile: ${file}: ${compileAfter.get(file)}\n`);
  for (const f of secondChanged.slice(0, 20)) process.stdout.write(`  second run changed: ${f.file}\n`);
  const ok = newFindings === 0 && newCompileFailures.length === 0 && secondChanged.length === 0;
  process.stdout.write(`\n${ok ? 'OK' : 'FAILED'}${keep ? ` (kept ${work})` : ''}\n`);
  process.exitCode = ok ? 0 : 1;
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}

function purelib() {
  const result = spawnSync(python, ['-c', "import sysconfig; print(sysconfig.get_paths()['purelib'])"], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cannot ask ${python} for site-packages: ${result.stderr}`);
  return result.stdout.trim();
}

/** The interpreter behind `python3` (a pyenv shim costs a shell per call). */
function resolvePython() {
  const result = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : 'python3';
}

function resolveRuff() {
  const result = spawnSync(python, ['-c', 'from ruff.__main__ import find_ruff_bin; print(find_ruff_bin())'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : 'ruff';
}

/** ruff F821/F823 without any project config (`--isolated`), in chunks. */
function ruffFindings(cwd, files) {
  const out = [];
  for (let i = 0; i < files.length; i += 400) {
    const result = spawnSync(ruff, ['check', '--isolated', '--no-cache', '--select', 'F821,F823', '--output-format', 'json', '--exit-zero', ...files.slice(i, i + 400)], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 512 << 20,
    });
    if (result.status !== 0) throw new Error(`ruff failed: ${result.error?.message ?? result.stderr}`);
    out.push(...JSON.parse(result.stdout));
  }
  return out;
}

/** file → compile error, with `compile()` in one interpreter. */
function compileErrors(sources) {
  const checker = [
    'import json, sys',
    'out = {}',
    'for name, text in json.load(sys.stdin):',
    '    try:',
    '        compile(text, name, "exec", dont_inherit=True)',
    '    except Exception as e:',
    '        out[name] = "%s: %s" % (type(e).__name__, e)',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const result = spawnSync(python, ['-c', checker], { input: JSON.stringify(sources), encoding: 'utf8', maxBuffer: 512 << 20 });
  if (result.status !== 0) throw new Error(`compile check failed: ${result.stderr}`);
  return new Map(Object.entries(JSON.parse(result.stdout)));
}

function countPy(dir) {
  const result = spawnSync('find', [dir, '-name', '*.py', '-type', 'f'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return result.stdout.split('\n').filter(Boolean).length;
}
