/**
 * One file never sinks a run, and nothing is written that should not be
 * (sweep defects 2, 7, 15's crash, 16, 20): per-file isolation of every
 * stage, PEP 263 encodings kept byte for byte, `check` exiting 2 over files
 * it could not read, a write failure that is that file's outcome, and
 * outputs written through symlinks, FIFOs, devices, hard links and
 * /dev/stdout instead of replacing them.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { processFile, type FileContext } from '../../src/engine/file.js';
import { writeFileFixes } from '../../src/engine/write.js';
import type { LanguageAdapter } from '../../src/languages/adapter.js';
import { parseModuleImports } from '../../src/languages/python/moduleImports.js';
import { adapterFor } from '../../src/languages/registry.js';
import type { Ban } from '../../src/model/finding.js';
import type { FileFix } from '../../src/model/outcome.js';
import { writeBaseline } from '../../src/monitor/baseline.js';
import { writeFileAtomic } from '../../src/workspace/files.js';
import { assertNoTrace, CLI, cleanUp, cli, CONFIG, GOOD, openToAll, tree, UNPRIVILEGED } from './helpers.js';

after(cleanUp);

const FIXED = 'from app.shared import shared_client\n\nclient = shared_client\n';
const BAN: Ban = { ruleId: 'r', kind: 'symbol', path: 'legacy.client.OldClient', source: 'from legacy.client import OldClient' };

describe('per-file isolation (defect 15\'s crash, and every stage)', () => {
  const python = adapterFor('python');
  const input = { rel: 'a.py', bytes: Buffer.from(GOOD), bans: [BAN], needles: [Buffer.from('client')] };
  const rules = new Map([['r', { id: 'r', canonical: { module: 'app.shared', name: 'shared_client', local: 'shared_client' }, types: undefined, bans: [BAN] }]]);
  /** The real Python adapter with one stage made to throw, as a bug deep in it would. */
  const failing = (when: 'always' | 'planning'): LanguageAdapter => ({
    ...python,
    analyzeFile: async (analysisInput) => {
      if (when === 'always' || analysisInput.plan) throw new RangeError('Maximum call stack size exceeded');
      return python.analyzeFile(analysisInput);
    },
  });

  it('a stage that throws is that file\'s outcome, naming the stage; it is never thrown across the run', async () => {
    const context: FileContext = { adapter: failing('always'), sourceRoots: [''], mode: 'inventory' };
    const outcome = await processFile(input, context);
    assert.deepEqual(outcome, { status: 'skipped', reason: 'internal error while parsing and analysing (RangeError: Maximum call stack size exceeded; please report it), skipped' });
  });

  it('a planner that throws keeps the findings (manual, with the reason) and warns once', async () => {
    const context: FileContext = { adapter: failing('planning'), sourceRoots: [''], mode: 'annotate', rules };
    const outcome = await processFile(input, context);
    assert.equal(outcome.status, 'findings');
    if (outcome.status !== 'findings') return;
    assert.equal(outcome.findings.length, 2);
    assert.ok(outcome.findings.every((f) => f.fix === 'manual' && /internal error while planning the fix \(RangeError/.test(f.reason ?? '')));
    assert.match(outcome.warning ?? '', /^internal error while planning the fix/);
  });
  it('defect 15: 130,000 uses of one name in one file are all planned — no spread of an unbounded list (Node\'s limit is near 125,000 arguments)', async () => {
    const uses = 130_000;
    const dir = tree('many-uses', { 'many.py': `from legacy.client import OldClient\n\nALL = [\n${'OldClient(),\n'.repeat(uses)}]\n` });
    // ~20 s of CPU: a generous limit for a loaded 2-core machine (the cost is measured in the bench, not here)
    const run = await cli(['scan', dir, '--format', 'json', '--no-cache'], { timeoutMs: 300_000 });
    assertNoTrace(run);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { findings: { fix: unknown }[]; errors: unknown[]; warnings: unknown[] };
    assert.equal(report.findings.length, uses + 1);
    assert.ok(report.findings.every((f) => f.fix === 'safe'), 'every use is planned, none left to an internal error');
    assert.deepEqual([report.errors, report.warnings], [[], []]);
  });

  it('no recursion on the depth of the input: a use nested 20,000 levels deep, in every shape, is found and planned', async () => {
    // (CPython compiles about 2,000 levels of an expression; the walks overflowed Node's stack near there)
    const depth = 20_000;
    const u = 'OldClient';
    const deep = (open: string, close: string) => `x = ${open.repeat(depth)}${u}${close.repeat(depth)}\n`;
    const shapes: Record<string, string> = {
      lists: deep('[', ']'),
      parens: deep('(', ')'),
      calls: deep('f(', ')'),
      dicts: deep('{1: ', '}'),
      comprehensions: deep('[y for y in ', ']'),
      walrus: deep('(y := ', ')'),
      attributes: `x = ${u}${'.a'.repeat(depth)}\n`,
      subscripts: `x = ${u}${'[0]'.repeat(depth)}\n`,
      sums: `x = ${Array(depth).fill('1').join(' + ')} + ${u}\n`,
      negations: `x = ${'not '.repeat(depth)}${u}\n`,
      lambdas: `x = ${'lambda: '.repeat(depth)}${u}\n`,
      conditionals: `x = ${'1 if c else '.repeat(depth)}${u}\n`,
      targets: `${'('.repeat(depth)}x[${u}]${')'.repeat(depth)} = 1\n`,
      patterns: `match v:\n    case ${'['.repeat(depth)}${u}.x${']'.repeat(depth)}:\n        pass\n`,
      annotations: `x: "${'List['.repeat(depth)}${u}${']'.repeat(depth)}" = None\n`,
    };
    const files = Object.fromEntries(Object.entries(shapes).map(([name, body]) => [`${name}.py`, `from legacy.client import OldClient\n${body}`]));
    const dir = tree('deep', files);
    const run = await cli(['scan', dir, '--format', 'json', '--no-cache'], { timeoutMs: 300_000 });
    assertNoTrace(run);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { findings: { file: string; kind: string }[]; errors: unknown[] };
    assert.deepEqual(report.errors, []);
    for (const name of Object.keys(files)) {
      const kinds = report.findings.filter((f) => f.file === name).map((f) => f.kind);
      assert.deepEqual(kinds, ['import', 'usage'], `${name}: the import and the use deep inside`);
    }
    // the import graph's walks too (check's boundaries, affected): the imports around a deep expression
    const text = `import a\n${shapes.lists!}def f():\n    import b.c\n`;
    const statements = await python.imports!.importStatements({ rel: 'deep.py', text, sourceRoots: [''] });
    assert.deepEqual(statements.map((s) => s.module), ['a', 'b.c']);
    // (the parse the import graph falls back to when its lexer is in doubt)
    const edges = await parseModuleImports(text, 'deep.py', ['']);
    assert.ok(edges.some((e) => e.module === 'b.c'), JSON.stringify(edges));
  });
});

describe('encodings, byte for byte (defect 7)', () => {
  it('a PEP 263 latin-1 file is scanned (check exits 1, not 0) and fixed in latin-1, every other byte kept', async () => {
    const before = Buffer.from('# -*- coding: latin-1 -*-\r\nfrom legacy.client import OldClient\r\nN = "caf\xe9"\r\nclient = OldClient()\r\n', 'latin1');
    const dir = tree('latin1', { 'l1.py': before });
    const check = await cli(['check', dir, '--format', 'json']);
    assertNoTrace(check);
    assert.equal(check.code, 1, check.stderr);
    assert.equal((JSON.parse(check.stdout) as { findings: unknown[] }).findings.length, 2);
    const fix = await cli(['fix', dir]);
    assert.equal(fix.code, 0, fix.stderr);
    const after = readFileSync(path.join(dir, 'l1.py'));
    assert.deepEqual(after, Buffer.from('# -*- coding: latin-1 -*-\r\nfrom app.shared import shared_client\r\nN = "caf\xe9"\r\nclient = shared_client\r\n', 'latin1'));
    assert.equal(spawnSync('python3', ['-c', 'import sys; compile(open(sys.argv[1], "rb").read(), sys.argv[1], "exec")', path.join(dir, 'l1.py')]).status, 0, 'python reads it');
  });

  it('a fix that its declared encoding cannot hold is refused, the file untouched', async () => {
    const config = CONFIG.replace('"from app.shared import shared_client"', '"from app.shared import clïent"');
    const before = Buffer.from('# coding: ascii\nfrom legacy.client import OldClient\nclient = OldClient()\n');
    const dir = tree('ascii', { 'a.py': before }, config);
    const fix = await cli(['fix', dir]);
    assertNoTrace(fix);
    assert.match(fix.stdout, /a\.py: the fixed text has characters its declared encoding cannot hold/);
    assert.deepEqual(readFileSync(path.join(dir, 'a.py')), before);
  });

  it('check exits 2 (never 0) when a file could not be read or decoded, and names it once', async () => {
    const dir = tree('undecodable', { 'bad.py': Buffer.from('from legacy.client import OldClient\n\xe9\n', 'latin1') });
    const run = await cli(['check', dir]);
    assertNoTrace(run);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'error: bad.py: not valid UTF-8 (byte 36), skipped\n');
  });

  it('an unreadable file makes check exit 2 (run as nobody when the tests run as root)', async (t) => {
    if (process.getuid?.() === 0 && !UNPRIVILEGED) return t.skip('root without a nobody user');
    const dir = tree('unreadable', { 'secret.py': GOOD, 'good.py': GOOD });
    openToAll(dir);
    chmodSync(path.join(dir, 'secret.py'), 0o000);
    const run = await cli(['check', dir, '--no-cache'], { asUnprivileged: true });
    assertNoTrace(run);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, 'error: secret.py: cannot read (EACCES), skipped\n');
    // grouped text: the file header, then its findings
    assert.match(run.stdout, /^good\.py\n  1:27 /m);
  });
});

describe('writes (defects 16, 20)', () => {
  it('defect 16: unphased fix with one file in a read-only folder writes the others, names that file in one line, exits 2', async (t) => {
    if (process.getuid?.() === 0 && !UNPRIVILEGED) return t.skip('root without a nobody user');
    const dir = tree('readonly', { 'ok/a.py': GOOD, 'ro/b.py': GOOD, 'ok/c.py': GOOD });
    openToAll(dir);
    chmodSync(path.join(dir, 'ro'), 0o555);
    const run = await cli(['fix', dir], { asUnprivileged: true });
    assertNoTrace(run);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, 'error: ro/b.py: cannot write (EACCES); left as it was\n');
    assert.equal(readFileSync(path.join(dir, 'ok/a.py'), 'utf8'), FIXED);
    assert.equal(readFileSync(path.join(dir, 'ok/c.py'), 'utf8'), FIXED);
    assert.equal(readFileSync(path.join(dir, 'ro/b.py'), 'utf8'), GOOD);
    assert.match(run.stdout, /files written +2/);
  });

  it('defect 20: fix names every file it skipped (binary, undecodable), and exits 2', async () => {
    const dir = tree('skipped', { 'good.py': GOOD, 'bin.py': Buffer.from('x\0y'), 'bad.py': Buffer.from('from legacy.client import OldClient\n\xff\n', 'latin1') });
    const run = await cli(['fix', dir]);
    assertNoTrace(run);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'error: bad.py: not valid UTF-8 (byte 36), skipped\nerror: bin.py: binary file (NUL byte), skipped\n');
    assert.equal(readFileSync(path.join(dir, 'good.py'), 'utf8'), FIXED);
  });

  it('no write crosses the root: a folder symlinked out of it refuses the write', () => {
    const outside = tree('write-outside', { 'x.py': GOOD }, null);
    const root = tree('write-root', {}, null);
    symlinkSync(outside, path.join(root, 'linked'));
    const fix: FileFix = { file: 'linked/x.py', status: 'changed', original: Buffer.from(GOOD), updated: Buffer.from(FIXED), applied: { safe: 2, unsafe: 0 }, left: [] };
    const result = writeFileFixes(root, [fix], 'each');
    assert.deepEqual(result.written, []);
    assert.match(result.failed[0]!.reason, /^linked\/x\.py resolves outside the root \(.*\); not written$/);
    assert.equal(readFileSync(path.join(outside, 'x.py'), 'utf8'), GOOD);
  });
});

describe('outputs are written through, never replaced (defect 2)', () => {
  it('a symlink (also dangling), a hard link, a FIFO and a device keep what they are', async () => {
    const dir = tree('outputs', {}, null);
    writeFileSync(path.join(dir, 'real.json'), 'old');
    symlinkSync('real.json', path.join(dir, 'link.json'));
    writeFileAtomic(path.join(dir, 'link.json'), 'via link');
    assert.ok(lstatSync(path.join(dir, 'link.json')).isSymbolicLink());
    assert.equal(readFileSync(path.join(dir, 'real.json'), 'utf8'), 'via link');

    mkdirSync(path.join(dir, 'later'));
    symlinkSync('later/made.json', path.join(dir, 'dangling.json'));
    writeFileAtomic(path.join(dir, 'dangling.json'), 'made');
    assert.ok(lstatSync(path.join(dir, 'dangling.json')).isSymbolicLink());
    assert.equal(readFileSync(path.join(dir, 'later/made.json'), 'utf8'), 'made');

    writeFileSync(path.join(dir, 'h1'), 'old');
    linkSync(path.join(dir, 'h1'), path.join(dir, 'h2'));
    writeFileAtomic(path.join(dir, 'h1'), 'both names');
    assert.equal(readFileSync(path.join(dir, 'h2'), 'utf8'), 'both names', 'the hard link is not split');
    assert.equal(statSync(path.join(dir, 'h1')).ino, statSync(path.join(dir, 'h2')).ino);

    spawnSync('mkfifo', [path.join(dir, 'fifo')]);
    const reader = spawn('cat', [path.join(dir, 'fifo')]);
    let read = '';
    reader.stdout.on('data', (c: Buffer) => (read += c.toString()));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    writeFileAtomic(path.join(dir, 'fifo'), 'through the fifo');
    await closed;
    assert.equal(read, 'through the fifo');
    assert.ok(lstatSync(path.join(dir, 'fifo')).isFIFO());

    if (process.getuid?.() === 0) {
      // a character device (the null device's numbers, in the scratch folder): written to, not replaced
      spawnSync('mknod', [path.join(dir, 'null'), 'c', '1', '3']);
      writeFileAtomic(path.join(dir, 'null'), 'discarded');
      assert.ok(lstatSync(path.join(dir, 'null')).isCharacterDevice());
    }

    // monitor baseline --out goes through the same write
    symlinkSync('real.json', path.join(dir, 'baseline-link.json'));
    writeBaseline(path.join(dir, 'baseline-link.json'), { tool: 'ssot' } as never);
    assert.ok(lstatSync(path.join(dir, 'baseline-link.json')).isSymbolicLink());
    assert.match(readFileSync(path.join(dir, 'real.json'), 'utf8'), /"tool": "ssot"/);
  });

  it('`--output /dev/stdout` appends to a `>>` redirect instead of replacing the file', () => {
    const dir = tree('devstdout', { 'a.py': GOOD });
    const out = path.join(dir, 'report.txt');
    writeFileSync(out, 'kept line\n');
    const fd = openSync(out, 'a');
    try {
      const result = spawnSync(process.execPath, [CLI, 'scan', dir, '--format', 'json', '--output', '/dev/stdout'], { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(result.status, 0, String(result.stderr));
    } finally {
      closeSync(fd);
    }
    const text = readFileSync(out, 'utf8');
    assert.ok(text.startsWith('kept line\n{'), text.slice(0, 40));
    assert.equal((JSON.parse(text.slice('kept line\n'.length)) as { findings: unknown[] }).findings.length, 2);
  });
});
