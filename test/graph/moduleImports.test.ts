/**
 * The import graph's per-file step: the byte lexer must give exactly what a
 * tree-sitter parse gives (the reference) or say it is unsure — on a
 * catalogue of edge cases and on a sample of the machine's standard library
 * — and the expected edges are spelled out for the cases that matter most
 * (relative imports, nesting, TYPE_CHECKING, parents of packages).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { ModuleEdge } from '../../src/model/importGraph.js';
import { lexModuleImports, parseModuleImports } from '../../src/languages/python/moduleImports.js';
import { decodeEdges, encodeEdges } from '../../src/engine/edges.js';

const show = (edges: readonly ModuleEdge[] | null) => (edges === null ? null : edges.map((e) => `${e.typeChecking ? '?' : ''}${e.nested ? '~' : ''}${e.module}`));

async function both(code: string, rel = 'm.py', roots = ['']): Promise<{ lexed: string[] | null; parsed: string[] }> {
  return { lexed: show(lexModuleImports(Buffer.from(code, 'utf8'), rel, roots)), parsed: show(await parseModuleImports(code, rel, roots))! };
}

interface Case {
  readonly name: string;
  readonly code: string;
  readonly rel?: string;
  /** The edges (marks: `?` TYPE_CHECKING only, `~` nested), when spelled out. */
  readonly edges?: readonly string[];
  /** The lexer must read it (not fall back to a parse). Default true. */
  readonly lexes?: boolean;
}

const cases: Case[] = [
  { name: 'import with parents', code: 'import a.b.c\n', edges: ['a', 'a.b', 'a.b.c'] },
  { name: 'aliases and several modules', code: 'import a as x, b.c as y\n', edges: ['a', 'b', 'b.c'] },
  { name: 'from-import names may be modules', code: 'from a.b import c, d as e\n', edges: ['a', 'a.b', 'a.b.c', 'a.b.d'] },
  { name: 'parenthesised, comments, trailing comma', code: 'from a import (\n    b,  # it\'s b\n    c,\n)\n', edges: ['a', 'a.b', 'a.c'] },
  { name: 'backslash continuation before import', code: 'from a.b \\\n    import c\n', edges: ['a', 'a.b', 'a.b.c'] },
  { name: 'spaces around dots', code: 'from a . b import c\n', edges: ['a', 'a.b', 'a.b.c'] },
  { name: 'star import', code: 'from a.b import *\n', edges: ['a', 'a.b'] },
  { name: 'relative import in a package', rel: 'pkg/sub/m.py', code: 'from . import x\nfrom .. import y\nfrom .z import w\n', edges: ['pkg', 'pkg.sub', 'pkg.sub.x', 'pkg.sub.z', 'pkg.sub.z.w', 'pkg.y'] },
  { name: 'relative import from a package __init__', rel: 'pkg/__init__.py', code: 'from .impl import Thing\n', edges: ['pkg', 'pkg.impl', 'pkg.impl.Thing'] },
  { name: 'relative import climbing above the top loads nothing', rel: 'top.py', code: 'from . import x\nimport os\n', edges: ['os'] },
  { name: 'the file\'s own packages', rel: 'a/b/c.py', code: 'x = 1\n', edges: ['a', 'a.b'] },
  { name: 'nested in a function', code: 'def f():\n    import a\n    return a\n', edges: ['~a'] },
  { name: 'nested in a method of a class', code: 'class A:\n    def f(self):\n        from b import c\n', edges: ['~b', '~b.c'] },
  { name: 'in a class body', code: 'class A:\n    import a\n', edges: ['~a'] },
  { name: 'under TYPE_CHECKING', code: 'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from a import B\n', edges: ['?a', '?a.B', 'typing', 'typing.TYPE_CHECKING'] },
  { name: 'typing.TYPE_CHECKING and its else branch', code: 'import typing\nif typing.TYPE_CHECKING:\n    import a\nelse:\n    import b\n', edges: ['?a', 'b', 'typing'] },
  { name: 'not TYPE_CHECKING is run time', code: 'if not TYPE_CHECKING:\n    import a\nif TYPE_CHECKING or x:\n    import b\n', edges: ['a', 'b'] },
  { name: 'TYPE_CHECKING on one line', code: 'if TYPE_CHECKING: import a\n', edges: ['?a'] },
  { name: 'TYPE_CHECKING inside a function', code: 'def f():\n    if TYPE_CHECKING:\n        import a\n', edges: ['?~a'] },
  { name: 'a run-time import beats a TYPE_CHECKING one', code: 'if TYPE_CHECKING:\n    import a\nimport a\n', edges: ['a'] },
  { name: 'a top-level import beats a nested one', code: 'def f():\n    import a\nimport a\n', edges: ['a'] },
  { name: 'try/except ImportError', code: 'try:\n    import a\nexcept ImportError:\n    a = None\n', edges: ['a'] },
  { name: 'after a semicolon and a colon', code: 'x = 1; import a\nif x: import b\n', edges: ['a', 'b'] },
  { name: 'multi-line def signature above a nested import', code: 'def f(\n    x,  # (\n) -> int:\n    import a\n', edges: ['~a'] },
  { name: 'dedented continuation line inside a function', code: 'def f():\n    x = g(\n1)\n    import a\n', edges: ['~a'] },
  { name: 'if with a comment and a number', code: 'def f():\n    if 0:  # debug\n        import a\n', edges: ['~a'] },
  { name: 'docstring and comment mentions are not imports', code: '"""\nimport fake\nfrom fake import x\n"""\n# import fake2\ns = "import fake3"\nimport real\n', edges: ['real'] },
  { name: 'string lines at column 0 inside a block', code: 'if TYPE_CHECKING:\n    x = """\nnot code\n"""\n    import a\n', edges: ['?a'] },
  { name: 'names containing import', code: 'importlib.import_module("x")\n__import__("y")\nreimport = 1\nimport z\n', edges: ['z'] },
  { name: 'escaped quotes and raw strings', code: 'x = "a\\"b"\ny = r\'c\\\'d\'\nimport a\n', edges: ['a'] },
  { name: 'f-string with braces and nested quotes', code: 'x = f"{d[\'k\']} {{}}"\nimport a\n', edges: ['a'] },
  { name: 'keyword glued to a string', code: 'x = 1 if y in"abc" else 2\nimport a\n', edges: ['a'] },
  { name: 'CRLF line endings', code: 'import a\r\ndef f():\r\n    import b\r\n', edges: ['a', '~b'] },
  { name: 'CR line endings', code: 'import a\rdef f():\r    import b\r', edges: ['a', '~b'] },
  { name: 'tabs for indentation', code: 'def f():\n\timport a\n', edges: ['~a'] },
  { name: 'async def', code: 'async def f():\n    import a\n', edges: ['~a'] },
  { name: '__future__', code: 'from __future__ import annotations\n', edges: ['__future__', '__future__.annotations'] },
  { name: 'unterminated string: unsure', code: 'x = "abc\nimport a\n', lexes: false },
  { name: 'PEP 701 nested quotes: unsure', code: 'x = f"{d["k"]}"\nimport a\n', edges: ['a'], lexes: false },
  { name: 'non-ASCII module name: unsure', code: 'import größe\n', edges: ['größe'], lexes: false },
];

describe('module imports of one file', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const { lexed, parsed } = await both(c.code, c.rel);
      if (c.lexes === false) assert.equal(lexed, null, 'the lexer must say it is unsure');
      else assert.deepEqual(lexed, parsed, 'the lexer agrees with the parse');
      if (c.edges) assert.deepEqual(parsed, [...c.edges].sort((a, b) => (a.replace(/^[?~]+/, '') < b.replace(/^[?~]+/, '') ? -1 : 1)));
    });
  }

  test('the cache encoding gives back the same edges', async () => {
    const edges = await parseModuleImports('import a.b.c\nif TYPE_CHECKING:\n    import a.bb\ndef f():\n    import a.b.d\n', 'pkg/m.py', ['']);
    assert.deepEqual(decodeEdges(encodeEdges(edges)), edges);
    assert.deepEqual(decodeEdges(''), []);
  });

  test('on the standard library the lexer agrees with the parse, or says it is unsure', async () => {
    const stdlib = spawnSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).stdout.trim();
    assert.ok(stdlib, 'python3 names its standard library');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir).sort()) {
        const full = path.join(dir, entry);
        if (entry === 'site-packages' || entry === '__pycache__' || entry.startsWith('test')) continue;
        if (statSync(full).isDirectory()) walk(full);
        else if (entry.endsWith('.py')) files.push(full);
      }
    };
    walk(stdlib);
    const sample = files.filter((_, i) => i % 6 === 0).slice(0, 150);
    assert.ok(sample.length >= 100, `${sample.length} files sampled`);
    let unsure = 0;
    for (const file of sample) {
      const bytes = readFileSync(file);
      const rel = path.relative(stdlib, file).split(path.sep).join('/');
      const lexed = lexModuleImports(bytes, rel, ['']);
      if (lexed === null) {
        unsure++;
        continue;
      }
      assert.deepEqual(show(lexed), show(await parseModuleImports(bytes.toString('utf8'), rel, [''])), rel);
    }
    assert.ok(unsure <= sample.length / 20, `unsure on ${unsure} of ${sample.length} files`);
  });
});
