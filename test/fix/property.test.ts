/**
 * Property: for generated Python modules (import forms and aliases, nested
 * scopes — functions, classes, lambdas, comprehensions, global/nonlocal —
 * shadowing locals and parameters, and every usage category) the fixed file
 *   - parses (tree-sitter) and compiles (python3),
 *   - has no ruff F821/F823 finding the original did not have,
 *   - behaves the same: both versions run against stub packages in which the
 *     deprecated class, its instance and the canonical instance agree
 *     (`RedisManager()` *is* `redis_manager`), and their traces must match —
 *     so a shadowed name, an unbound local or a wrong rename shows up,
 *   - and a second run plans nothing.
 * Bounded: a fixed seed, a run count and a time limit (well under 60 s).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { compileConfig, type Config } from '../../src/config/compile.js';
import { computeFixes } from '../../src/engine/fix.js';
import { parsesCleanly, PYTHON, ruffUndefinedNames } from './helpers.js';

const NAMES = ['RedisManager', 'redis_manager', 'legacy_manager', 'CacheManager', 'Manager', 'rm', 'redis_manager_ssot', 'helper'] as const;
type Name = (typeof NAMES)[number];
const MODULES: Record<string, readonly string[]> = {
  'legacy.redis': ['RedisManager', 'legacy_manager', 'helper'],
  'legacy.cache': ['CacheManager'],
  'app.redis': ['redis_manager', 'RedisManager'],
};

const STUBS: Record<string, string> = {
  'app/__init__.py': '',
  'app/redis.py': [
    'class RedisManager:',
    '    DEFAULT_URL = "redis://stub"',
    '    shared = None',
    '    def __new__(cls, db=None):',
    '        if db is None and RedisManager.shared is not None:',
    '            return RedisManager.shared',
    '        return super().__new__(cls)',
    '    def __init__(self, db=None):',
    '        self.db = db',
    '    def get(self, key):',
    '        return "%s@%s" % (key, self.db)',
    'redis_manager = RedisManager()',
    'RedisManager.shared = redis_manager',
    '',
  ].join('\n'),
  'legacy/__init__.py': '',
  'legacy/redis.py': 'from app.redis import RedisManager, redis_manager as legacy_manager\n\n\ndef helper():\n    return "helper"\n',
  'legacy/cache.py': 'from app.redis import RedisManager as CacheManager\n',
};

/** Runs each (name, path): compile error, or the printed trace (module-level exceptions included). */
const RUNNER = `
import contextlib, io, json, runpy, sys
sys.path.insert(0, sys.argv[1])
sys.dont_write_bytecode = True
out = {}
for name, path in json.load(sys.stdin):
    try:
        compile(open(path, encoding="utf-8-sig").read(), path, "exec", dont_inherit=True)
    except SyntaxError as e:
        out[name] = {"compile": "%s (line %s)" % (e.msg, e.lineno)}
        continue
    for m in [k for k in sys.modules if k.split(".")[0] in ("app", "legacy")]:
        del sys.modules[m]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            runpy.run_path(path, run_name="__main__")
        except Exception as e:
            print("module raised", type(e).__name__)
    out[name] = {"trace": buf.getvalue()}
json.dump(out, sys.stdout)
`;

const PRELUDE = [
  'def _d(v):',
  '    import app.redis as _a',
  '    if v is _a.redis_manager:',
  '        return "shared"',
  '    if v is _a.RedisManager:',
  '        return "class"',
  '    if isinstance(v, _a.RedisManager):',
  '        return "instance(%r)" % (v.db,)',
  '    if callable(v):',
  '        return "callable"',
  '    return repr(v)',
  '',
  '',
  'def _t(label, fn):',
  '    try:',
  '        print(label, fn())',
  '    except Exception as e:',
  '        print(label, "raised", type(e).__name__)',
  '',
  '',
  'def _spec(spec=None):',
  '    return _d(spec)',
  '',
  '',
  'from typing import TYPE_CHECKING',
  '',
].join('\n');

// ---------------------------------------------------------------------------
// the generator

interface ImportForm {
  kind: 'from' | 'fallback';
  module: string;
  names: { name: string; alias: Name | undefined }[];
  paren: boolean;
  trailing: boolean;
}
type Form = 'value' | 'call' | 'call1' | 'attr' | 'isinstance' | 'spec' | 'get';
interface Expr {
  name: Name;
  form: Form;
}
type Stmt =
  | { kind: 'import'; form: ImportForm }
  | { kind: 'typecheck'; form: ImportForm }
  | { kind: 'assign'; name: Name; value: Expr | null }
  | { kind: 'lambda'; param: Name; body: Expr }
  | { kind: 'comprehension'; target: Name; body: Expr }
  | { kind: 'nonlocal'; name: Name; value: Expr };
interface Func {
  params: Name[];
  annotation: Name | null;
  /** The annotation as a string (a forward reference). */
  quoted: boolean;
  globals: Name[];
  body: Stmt[];
  returns: Expr[];
}
interface Klass {
  imports: ImportForm[];
  base: Name | null;
  attrs: { name: Name; value: Expr }[];
  method: Expr[];
}
interface Program {
  docstring: boolean;
  future: boolean;
  imports: ImportForm[];
  topLevel: Stmt[];
  funcs: Func[];
  klass: Klass | null;
  tail: ImportForm[];
}

const nameArb = fc.constantFrom(...NAMES);
const aliasArb = fc.option(nameArb, { nil: undefined, freq: 2 });
const exprArb: fc.Arbitrary<Expr> = fc.record({
  name: nameArb,
  form: fc.constantFrom<Form>('value', 'call', 'call', 'call1', 'attr', 'isinstance', 'spec', 'get'),
});
const importArb: fc.Arbitrary<ImportForm> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(MODULES)).chain((module) =>
    fc.record({
      kind: fc.constant<'from'>('from'),
      module: fc.constant(module),
      names: fc.uniqueArray(fc.record({ name: fc.constantFrom(...MODULES[module]!), alias: aliasArb }), {
        minLength: 1,
        maxLength: 3,
        selector: (n) => n.name,
      }),
      paren: fc.boolean(),
      trailing: fc.boolean(),
    }),
  ) },
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant<'fallback'>('fallback'),
    module: fc.constant('legacy.redis'),
    names: fc.tuple(fc.record({ name: fc.constantFrom('legacy_manager', 'RedisManager'), alias: aliasArb })).map((t) => [...t]),
    paren: fc.constant(false),
    trailing: fc.constant(false),
  }) },
);
const stmtArb: fc.Arbitrary<Stmt> = fc.oneof(
  { weight: 3, arbitrary: importArb.map((form) => ({ kind: 'import' as const, form })) },
  { weight: 1, arbitrary: importArb.map((form) => ({ kind: 'typecheck' as const, form })) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant<'assign'>('assign'), name: nameArb, value: fc.option(exprArb, { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'lambda'>('lambda'), param: nameArb, body: exprArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'comprehension'>('comprehension'), target: nameArb, body: exprArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant<'nonlocal'>('nonlocal'), name: nameArb, value: exprArb }) },
);
const funcArb: fc.Arbitrary<Func> = fc.record({
  params: fc.uniqueArray(nameArb, { maxLength: 2 }),
  annotation: fc.option(nameArb, { nil: null, freq: 3 }),
  quoted: fc.boolean(),
  globals: fc.uniqueArray(nameArb, { maxLength: 1 }),
  body: fc.array(stmtArb, { maxLength: 4 }),
  returns: fc.array(exprArb, { minLength: 1, maxLength: 3 }),
});
const programArb: fc.Arbitrary<Program> = fc.record({
  docstring: fc.boolean(),
  future: fc.boolean(),
  imports: fc.array(importArb, { minLength: 1, maxLength: 3 }),
  topLevel: fc.array(
    fc.oneof(
      { weight: 1, arbitrary: importArb.map((form) => ({ kind: 'typecheck' as const, form })) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant<'assign'>('assign'), name: nameArb, value: fc.option(exprArb, { nil: null }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant<'comprehension'>('comprehension'), target: nameArb, body: exprArb }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant<'lambda'>('lambda'), param: nameArb, body: exprArb }) },
    ),
    { maxLength: 3 },
  ),
  funcs: fc.array(funcArb, { minLength: 1, maxLength: 3 }),
  klass: fc.option(
    fc.record({
      imports: fc.array(importArb, { maxLength: 1 }),
      base: fc.option(fc.constantFrom<Name>('RedisManager', 'CacheManager'), { nil: null, freq: 3 }),
      attrs: fc.array(fc.record({ name: nameArb, value: exprArb }), { maxLength: 2 }),
      method: fc.array(exprArb, { minLength: 1, maxLength: 2 }),
    }),
    { nil: null },
  ),
  // an import after the code: of the canonical instance only (a deprecated import there would
  // be merged into the scope's first one, earlier, which only changes code that raised NameError)
  tail: fc.array(
    fc.record({
      kind: fc.constant<'from'>('from'),
      module: fc.constant('app.redis'),
      names: fc.tuple(fc.record({ name: fc.constant('redis_manager'), alias: aliasArb })).map((t) => [...t]),
      paren: fc.boolean(),
      trailing: fc.boolean(),
    }),
    { maxLength: 1 },
  ),
});

function renderExpr(e: Expr): string {
  switch (e.form) {
    case 'value':
      return `_d(${e.name})`;
    case 'call':
      return `_d(${e.name}())`;
    case 'call1':
      return `_d(${e.name}(1))`;
    case 'attr':
      return `_d(${e.name}.DEFAULT_URL)`;
    case 'isinstance':
      return `_d(isinstance(None, ${e.name}))`;
    case 'spec':
      return `_spec(spec=${e.name})`;
    case 'get':
      return `_d(${e.name}.get("k"))`;
  }
}

function renderImport(form: ImportForm, indent: string): string[] {
  const clause = (n: { name: string; alias: string | undefined }) => (n.alias ? `${n.name} as ${n.alias}` : n.name);
  if (form.kind === 'fallback') {
    const n = form.names[0]!;
    return [`${indent}try:`, `${indent}    from ${form.module} import ${clause(n)}`, `${indent}except ImportError:`, `${indent}    ${n.alias ?? n.name} = None`];
  }
  const clauses = form.names.map(clause);
  if (!form.paren) return [`${indent}from ${form.module} import ${clauses.join(', ')}`];
  return [
    `${indent}from ${form.module} import (`,
    ...clauses.map((c, i) => `${indent}    ${c}${i < clauses.length - 1 || form.trailing ? ',' : ''}`),
    `${indent})`,
  ];
}

let counter = 0;

/** `body` (already indented one level deeper than `indent`) in a try that prints what it raised. */
function guard(label: string, body: string[], indent: string): string[] {
  return [`${indent}try:`, ...body, `${indent}except Exception as e:`, `${indent}    print("${label} raised", type(e).__name__)`];
}

function renderStmt(s: Stmt, indent: string, inFunction: boolean): string[] {
  const v = `v${counter++}`;
  switch (s.kind) {
    case 'import':
      return renderImport(s.form, indent);
    case 'typecheck':
      return [`${indent}if TYPE_CHECKING:`, ...renderImport(s.form, `${indent}    `)];
    case 'assign':
      return [`${indent}${s.name} = ${s.value ? renderExpr(s.value) : '"local"'}`];
    case 'lambda':
      return [`${indent}${v} = (lambda ${s.param}: ${renderExpr(s.body)})(1)`, ...(inFunction ? [] : [`${indent}_t("${v}", lambda: ${v})`])];
    case 'comprehension':
      return [`${indent}${v} = [${renderExpr(s.body)} for ${s.target} in range(1)]`, ...(inFunction ? [] : [`${indent}_t("${v}", lambda: ${v})`])];
    case 'nonlocal':
      // the enclosing function binds the name first, so `nonlocal` is legal
      return [
        `${indent}${s.name} = "outer"`,
        `${indent}def inner_${v}():`,
        `${indent}    nonlocal ${s.name}`,
        `${indent}    ${s.name} = ${renderExpr(s.value)}`,
        `${indent}    return ${s.name}`,
        `${indent}${v} = inner_${v}()`,
      ];
  }
}

function renderProgram(p: Program): string {
  counter = 0;
  const lines: string[] = [];
  if (p.docstring) lines.push('"""Generated module."""');
  if (p.future) lines.push('from __future__ import annotations');
  lines.push(PRELUDE);
  for (const form of p.imports) lines.push(...renderImport(form, ''));
  lines.push('');
  // module-level code runs guarded, so one NameError does not hide the rest of the trace
  for (const s of p.topLevel) lines.push(...guard(`top_v${counter}`, renderStmt(s, '    ', false), ''));
  p.funcs.forEach((f, i) => {
    const annotation = f.annotation && (f.quoted ? `"${f.annotation}"` : f.annotation);
    const params = [...f.params.map((n) => `${n}=None`), ...(annotation ? [`p: ${annotation} = None`] : [])];
    // annotations are evaluated when the def runs (without the __future__ import)
    const indent = f.annotation ? '    ' : '';
    const def = [`${indent}def f${i}(${params.join(', ')})${annotation ? ` -> ${annotation}` : ''}:`];
    const globals = f.globals.filter((g) => !f.params.includes(g) && !f.body.some((s) => s.kind === 'nonlocal' && s.name === g));
    if (globals.length) def.push(`${indent}    global ${globals.join(', ')}`);
    for (const s of f.body) def.push(...renderStmt(s, `${indent}    `, true));
    def.push(`${indent}    return (${f.returns.map(renderExpr).join(', ')},)`);
    lines.push('', '', ...(f.annotation ? guard(`def_f${i}`, def, '') : def));
  });
  if (p.klass) {
    const k = p.klass;
    const body = [`    class C${k.base ? `(${k.base})` : ''}:`];
    for (const form of k.imports) body.push(...renderImport(form, '        '));
    for (const a of k.attrs) body.push(...guard(`C.${a.name}`, [`            ${a.name} = ${renderExpr(a.value)}`], '        '));
    body.push('', '        def m(self):', `            return (${k.method.map(renderExpr).join(', ')},)`);
    lines.push('', '', ...guard('class_C', body, ''));
  }
  lines.push('');
  for (const form of p.tail) lines.push(...renderImport(form, ''));
  lines.push('');
  p.funcs.forEach((_, i) => lines.push(`_t("f${i}", lambda: f${i}())`));
  if (p.klass) lines.push('_t("C.m", lambda: C().m())');
  for (const name of NAMES) lines.push(`_t("${name}", lambda: _d(${name}))`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------

const CONFIG_YAML = `version: 1
language: python
sourceRoots: ["."]
canonical:
  manager: "from app.redis import redis_manager"
rules:
  - id: redis
    deprecated:
      - "from legacy.redis import RedisManager"
      - "from legacy.redis import legacy_manager"
      - "from legacy.cache import CacheManager"
      - "from app.redis import RedisManager"
    replaceWith: manager
    types: "from app.redis import RedisManager"
`;

let work: string;
let config: Config;

before(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ssot-property-'));
  for (const [rel, text] of Object.entries(STUBS)) {
    mkdirSync(path.dirname(path.join(work, 'stubs', rel)), { recursive: true });
    writeFileSync(path.join(work, 'stubs', rel), text);
  }
  const file = path.join(work, 'ssot.config.yaml');
  writeFileSync(file, CONFIG_YAML);
  const { readRawConfig } = await import('../../src/config/load.js');
  config = await compileConfig(readRawConfig(file));
});

after(() => rmSync(work, { recursive: true, force: true }));

function runBoth(beforePath: string, afterPath: string): Record<string, { compile?: string; trace?: string }> {
  const result = spawnSync(PYTHON, ['-c', RUNNER, path.join(work, 'stubs')], {
    input: JSON.stringify([
      ['before', beforePath],
      ['after', afterPath],
    ]),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`runner failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, { compile?: string; trace?: string }>;
}

/**
 * The fixed module behaves like the original. Traces are lines `label result`.
 * Line by line they agree — except where the original raised
 * NameError/UnboundLocalError: the canonical import goes where the first
 * replaced import of the scope was (top-level rather than under `if
 * TYPE_CHECKING:`), so a use that could not find its name may now find it.
 * When such a use was module-level code, what runs after it may differ too;
 * then the one requirement left is the one that matters: no label raises
 * NameError/UnboundLocalError after the fix that did not before.
 */
function sameBehaviour(was: string, now: string): boolean {
  const unbound = / raised (NameError|UnboundLocalError)$/;
  const label = (line: string) => line.split(' ')[0]!;
  const raising = (trace: string) => new Set(trace.split('\n').filter((l) => unbound.test(l)).map(label));
  const before = raising(was);
  const seen = new Set(was.split('\n').map(label));
  // (a label the original never printed belongs to code that did not run before)
  if ([...raising(now)].some((l) => seen.has(l) && !before.has(l))) return false;
  if ([...before].some((l) => /^(top_v\d+|class_C|def_f\d+|C\.)/.test(l))) return true;
  // code that raised NameError before may now run and print lines of its own
  const after = before.size ? now.split('\n').filter((line) => seen.has(label(line))) : now.split('\n');
  let j = 0;
  for (const line of was.split('\n')) {
    if (line.startsWith('module raised NameError')) return true; // the fixed module may get further
    if (after[j] === line) {
      j++;
      continue;
    }
    if (!unbound.test(line)) return false;
    // the line may differ, or be gone (a guarded statement that raised no longer does)
    if (after[j] !== undefined && label(after[j]!) === label(line)) j++;
  }
  return j === after.length;
}

let sample = 0;
test('generated modules: the fix parses, compiles, adds no undefined name, keeps behaviour, and is stable', async (t) => {
  const stats = { runs: 0, changed: 0, skipped: 0, ruffChecked: 0 };
  const property = fc.asyncProperty(programArb, fc.boolean(), async (program, unsafe) => {
      const source = renderProgram(program);
      const root = path.join(work, `case${sample++}`);
      mkdirSync(root, { recursive: true });
      try {
        writeFileSync(path.join(root, 'm.py'), source);
        // compile validation is left to the runner below (one interpreter start per case)
        const run = await computeFixes({ root, config, unsafe, compileCheck: false });
        const file = run.files.find((f) => f.file === 'm.py');
        const fixed = file?.status === 'changed' ? file.updated!.toString('utf8') : source;
        writeFileSync(path.join(root, 'fixed.py'), fixed);
        const outcome = runBoth(path.join(root, 'm.py'), path.join(root, 'fixed.py'));
        // generated code that Python itself rejects (e.g. a parameter declared global) is not a case
        if (outcome.before!.compile) {
          stats.skipped++;
          return true;
        }
        stats.runs++;
        if (!file || file.status === 'unchanged') return true;
        assert.notEqual(file.status, 'refused', `validation refused the planned fix: ${file.reason}\n${source}`);
        stats.changed++;
        assert.ok(await parsesCleanly(fixed), `does not parse:\n--- before\n${source}\n--- after\n${fixed}`);
        assert.equal(outcome.after!.compile, undefined, `does not compile: ${outcome.after!.compile}\n--- before\n${source}\n--- after\n${fixed}`);
        const was = outcome.before!.trace!;
        const now = outcome.after!.trace!;
        assert.ok(sameBehaviour(was, now), `behaviour changed\n--- before\n${source}\n--- after\n${fixed}\n--- traces\n${was}\n${now}`);
        const ruff = ruffUndefinedNames(root, ['m.py', 'fixed.py']);
        // counted, not matched: a use that was already unbound may carry the new name after the
        // rename, and ruff may then classify it differently (F821 ↔ F823)
        // ruff is a heuristic where code is already broken: findings inside a function whose call
        // raised NameError/UnboundLocalError before the fix (and, as compared above, after it) don't count
        const broken = new Set([...was.matchAll(/^(?:def_)?(\S+) raised (?:NameError|UnboundLocalError)$/gm)].map((m) => m[1]!));
        const counted = (f: (typeof ruff)[number]) => {
          const lines = (path.basename(f.filename) === 'm.py' ? source : fixed).split('\n');
          for (let row = f.location.row - 1; row >= 0; row--) {
            const header = /^\s*(?:def (f\d+)\(|class C\b)/.exec(lines[row] ?? '');
            if (header) return !broken.has(header[1] ?? 'C.m');
          }
          return true;
        };
        const count = (file: string) => ruff.filter((f) => path.basename(f.filename) === file && counted(f)).length;
        // (when the module itself raised, only the traces up to that point are compared)
        if (!was.includes('module raised')) {
          stats.ruffChecked++;
          const listed = ruff.map((f) => `${path.basename(f.filename)}:${f.location.row} ${f.code} ${f.message}`).join('\n');
          assert.ok(count('fixed.py') <= count('m.py'), `new F821/F823: ${count('m.py')} → ${count('fixed.py')}\n${listed}\n--- before\n${source}\n--- after\n${fixed}`);
        }
        // a second run plans nothing
        writeFileSync(path.join(root, 'm.py'), fixed);
        rmSync(path.join(root, 'fixed.py'));
        const second = await computeFixes({ root, config, unsafe, compileCheck: false });
        const again = second.files.find((f) => f.file === 'm.py');
        assert.ok(!again || again.status === 'unchanged', `second run: ${again?.status} ${again?.reason ?? ''}\n--- before\n${source}\n--- after\n${fixed}\n--- second\n${again?.updated?.toString('utf8') ?? ''}`);
        return true;
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  const details = await fc.check(property, {
    seed: Number(process.env.FC_SEED ?? 20260125),
    numRuns: Number(process.env.FC_RUNS ?? 150),
    interruptAfterTimeLimit: 45_000,
    markInterruptAsFailure: false,
  });
  // the assertion message of the (shrunk) counterexample, with the programs it printed
  if (details.failed) assert.fail(`${String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance)}\n(seed ${details.seed}, path ${details.counterexamplePath})`);
  t.diagnostic(`generated ${stats.runs + stats.skipped}, rejected by python ${stats.skipped}, fixed ${stats.changed}, fully checked ${stats.ruffChecked}`);
  assert.ok(stats.changed > stats.runs / 4, `few generated modules were changed: ${JSON.stringify(stats)}`);
});
