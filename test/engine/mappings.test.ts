/**
 * How each deprecated name moves (move / rename / class-to-instance), from
 * what the names are in the tree — resolved through re-exports, aliases,
 * star imports and `x = Class()` — or, for names the tree does not define,
 * from their spelling; an undecidable mapping is a config error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { decideShape, shapeRules } from '../../src/engine/mappings.js';
import { pythonAdapter } from '../../src/languages/python/adapter.js';
import type { Ban } from '../../src/model/finding.js';
import { UserError } from '../../src/model/errors.js';
import type { SymbolInfo } from '../../src/model/symbols.js';

let root: string;
const write = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
};

before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ssot-mappings-'));
  write('app/__init__.py', 'from .core import *\n');
  write('app/core.py', 'class Client:\n    pass\n\n\nclient = Client()\nAlias = Client\nLIMIT = 3\n\n\ndef helper():\n    return 1\n');
  write('legacy/__init__.py', '');
  write('legacy/compat.py', 'from app.core import Client\n');
  write('legacy/old.py', 'class Client:\n    pass\n\n\nold_client = Client()\n\n\ndef helper():\n    return 2\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('what names are in the tree', () => {
  test('classes, instances of a class, aliases, functions, constants, re-exports through star imports and packages', async () => {
    const described = await pythonAdapter.describeSymbols(root, [''], [
      'app.core.Client',
      'app.core.client',
      'app.core.Alias',
      'app.core.helper',
      'app.core.LIMIT',
      'app.Client',
      'legacy.compat.Client',
      'app.core',
      'nowhere.Thing',
    ]);
    const summary = Object.fromEntries([...described].map(([k, v]) => [k, `${v.kind} ${v.identity}${v.classIdentity ? ` of ${v.classIdentity}` : ''}`]));
    assert.deepEqual(summary, {
      'app.core.Client': 'class app.core.Client',
      'app.core.client': 'instance app.core.client of app.core.Client',
      'app.core.Alias': 'class app.core.Client',
      'app.core.helper': 'function app.core.helper',
      'app.core.LIMIT': 'constant app.core.LIMIT',
      'app.Client': 'class app.core.Client',
      'legacy.compat.Client': 'class app.core.Client',
      'app.core': 'module app.core',
      'nowhere.Thing': 'unknown nowhere.Thing',
    });
  });
});

const ban = (path: string, target: string, extra: Partial<Ban> = {}): Ban => {
  const dot = target.lastIndexOf('.');
  return { ruleId: 'r', kind: 'symbol', path, source: '', target: { module: target.slice(0, dot), name: target.slice(dot + 1), local: target.slice(dot + 1) }, ...extra };
};
const info = (kind: SymbolInfo['kind'], identity: string): SymbolInfo => ({ kind, identity });

describe('decideShape', () => {
  test('from what the names are', () => {
    assert.deepEqual(decideShape(ban('a.X', 'b.X'), info('class', 'c.X'), info('class', 'c.X')), { shape: 'move' });
    assert.deepEqual(decideShape(ban('a.X', 'b.x'), info('class', 'a.X'), info('instance', 'b.x')), { shape: 'class-to-instance' });
    assert.deepEqual(decideShape(ban('a.X', 'b.X'), info('class', 'a.X'), info('class', 'b.X')), { shape: 'rename' });
    assert.deepEqual(decideShape(ban('a.f', 'b.g'), info('function', 'a.f'), info('function', 'b.g')), { shape: 'rename' });
    assert.deepEqual(decideShape(ban('a.x', 'b.y'), info('instance', 'a.x'), info('instance', 'b.y')), { shape: 'rename' });
    const mismatch = decideShape(ban('a.x', 'b.Y'), info('instance', 'a.x'), info('class', 'b.Y'));
    assert.ok('error' in mismatch && /`a\.x` is an instance and `b\.Y` a class/.test(mismatch.error));
  });

  test('from the spelling, said so, where the tree does not define a name', () => {
    const move = decideShape(ban('typing.Callable', 'collections.abc.Callable'), info('unknown', 'typing.Callable'), info('unknown', 'collections.abc.Callable'));
    assert.equal('shape' in move && move.shape, 'move');
    assert.match('note' in move ? (move.note ?? '') : '', /decided from the names/);
    const replace = decideShape(ban('pathlib.Path', 'app.paths.cwd'), info('unknown', 'pathlib.Path'), info('instance', 'app.paths.cwd'));
    assert.equal('shape' in replace && replace.shape, 'class-to-instance');
    const module = decideShape(ban('simplejson', 'json.loads', { kind: 'module' }), info('unknown', 'simplejson'), info('unknown', 'json.loads'));
    assert.ok('error' in module && /set `mode: move`/.test(module.hint));
    const replaced = decideShape(ban('simplejson', 'ujson.x', { kind: 'module', mode: 'replace' }), info('unknown', 'simplejson'), info('unknown', 'ujson.x'));
    assert.equal('shape' in replaced && replaced.shape, 'rename');
  });

  test('the rule\'s mode wins', () => {
    assert.deepEqual(decideShape(ban('a.X', 'b.x', { mode: 'move' }), info('class', 'a.X'), info('instance', 'b.x')), { shape: 'move' });
  });

  test('an undecidable mapping is a config error naming the entry, at run time', async () => {
    write('ssot.config.yaml', 'version: 1\ncanonical:\n  c: "from app.core import Client"\nrules:\n  - id: r\n    deprecated: ["from legacy.old import old_client"]\n    replaceWith: c\n');
    const config = await loadConfig(root);
    await assert.rejects(shapeRules(config, root, pythonAdapter), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /ssot\.config\.yaml:6: `legacy\.old\.old_client` is an instance and `app\.core\.Client` a class/);
      return true;
    });
  });
});
