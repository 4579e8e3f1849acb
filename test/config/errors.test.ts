/**
 * Every config problem is a UserError whose one-line message names the file,
 * the line and the key. One case per problem: the config text and the exact
 * message expected after `<file>:`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { UserError } from '../../src/model/errors.js';

const HEAD = 'version: 1\ncanonical:\n  c: "from a import b"\n';
const RULE = 'rules:\n  - id: r\n    deprecated: ["from x import y"]\n    replaceWith: c\n';

const cases: { name: string; file?: string; text: string; message: string }[] = [
  { name: 'invalid YAML (unclosed flow sequence)', text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import y"\n    replaceWith: c\n`, message: '7: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]' },
  { name: 'invalid YAML (tab indentation)', text: 'version: 1\ncanonical:\n\tc: "from a import b"\n', message: '3: invalid YAML: Tabs are not allowed as indentation' },
  { name: 'duplicate key', text: `${HEAD}canonical:\n  d: "from a import b"\n${RULE}`, message: '4: invalid YAML: Map keys must be unique' },
  { name: 'invalid JSON', file: 'ssot.config.json', text: '{"version": 1,\n "rules": [ {"id": "r" "deprecated": []} ]}\n', message: '2: invalid JSON: Unexpected double-quoted-scalar token' },
  { name: 'empty file', text: '', message: '1: config must be a mapping with at least `version: 1`, `canonical` and `rules`' },
  { name: 'a list, not a mapping', text: '- a\n- b\n', message: '1: config must be a mapping with at least `version: 1`, `canonical` and `rules`' },
  { name: 'unknown top-level key', text: `${HEAD}${RULE}servics: {}\n`, message: '8: unknown key `servics` (did you mean `services`?)' },
  { name: 'misspelt required key', text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import y"]\n    replaceWit: c\n`, message: '7: unknown key `rules[0].replaceWit` (did you mean `replaceWith`?)' },
  { name: 'misspelt optional key in a phase', text: `${HEAD}${RULE}phases:\n  - id: "1"\n    inlcude: ["a/**"]\n`, message: '10: unknown key `phases[0].inlcude` (did you mean `include`?)' },
  { name: 'unknown key, nothing close', text: `${HEAD}${RULE}colour: red\n`, message: '8: unknown key `colour`' },
  { name: 'missing required key', text: HEAD, message: '1: missing required key `rules`' },
  { name: 'wrong type (string for a list)', text: `version: 1\nsourceRoots: "."\ncanonical:\n  c: "from a import b"\n${RULE}`, message: '2: `sourceRoots`: expected array, received string' },
  { name: 'wrong type in a rule', text: `${HEAD}${RULE}    allowIn: "x/**"\n`, message: '8: `rules[0].allowIn`: expected array, received string' },
  { name: 'wrong type in a list', text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import y", 42]\n    replaceWith: c\n`, message: '6: `rules[0].deprecated[1]`: expected string, received number' },
  { name: 'service globs of the wrong type', text: `version: 1\nservices:\n  api: 3\ncanonical:\n  c: "from a import b"\n${RULE}`, message: '3: `services.api`: expected a string or a list of strings' },
  { name: 'wrong version', text: `version: 2\ncanonical:\n  c: "from a import b"\n${RULE}`, message: '1: `version`: expected 1' },
  { name: 'empty deprecated list', text: `${HEAD}rules:\n  - id: r\n    deprecated: []\n    replaceWith: c\n`, message: '6: `rules[0].deprecated`: must not be empty' },
  { name: 'unknown risk', text: `${HEAD}${RULE}phases:\n  - id: "1"\n    risk: extreme\n`, message: '10: `phases[0].risk`: Invalid option: expected one of "critical"|"high"|"medium"|"low"' },
  { name: 'deprecated entry that is not an import', text: `${HEAD}rules:\n  - id: r\n    deprecated:\n      - "from x import y"\n      - "RedisManager"\n    replaceWith: c\n`, message: '8: `rules[0].deprecated[1]` is not an import statement: "RedisManager"' },
  { name: 'deprecated entry with a syntax error', text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import"]\n    replaceWith: c\n`, message: '6: `rules[0].deprecated[0]` is not a single Python import statement: "from x import"' },
  { name: 'deprecated entry with two statements', text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import y; import z"]\n    replaceWith: c\n`, message: '6: `rules[0].deprecated[0]` is not a single Python import statement: "from x import y; import z"' },
  { name: 'relative deprecated import', text: `${HEAD}rules:\n  - id: r\n    deprecated:\n      - "from .x import y"\n    replaceWith: c\n`, message: '7: `rules[0].deprecated[0]` must be an absolute import (relative imports depend on the importing file): "from .x import y"' },
  { name: '__future__ import', text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from __future__ import annotations"]\n    replaceWith: c\n`, message: '6: `rules[0].deprecated[0]` is a __future__ import: "from __future__ import annotations"' },
  { name: 'replaceWith naming no canonical id', text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import y"]\n    replaceWith: redis\n`, message: '7: `rules[0].replaceWith` names no canonical id: "redis" (known: "c")' },
  { name: 'canonical star import', text: `version: 1\ncanonical:\n  c: "from a import *"\n${RULE}`, message: '3: `canonical.c` must name what it imports: "from a import *" (expected `from module import name, …`)' },
  {
    name: 'deprecated name without a partner among several canonical names',
    text: `version: 1\ncanonical:\n  c: "from a import b, d"\nrules:\n  - id: r\n    deprecated: ["from x import b, y"]\n    replaceWith: c\n`,
    message: '6: `rules[0].deprecated[0]` names `x.y`, which has no partner in canonical "c" (b, d): add it to that statement, or pair it in `map: { y: … }`',
  },
  {
    name: 'map value that is neither a canonical name nor a path',
    text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import y"]\n    replaceWith: c\n    map: { y: nowhere }\n`,
    message: '8: `rules[0].map.y` maps to "nowhere", which is neither a name of canonical "c" (b) nor a dotted path',
  },
  {
    name: 'map key that names nothing of the rule',
    text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import y"]\n    replaceWith: c\n    map: { z.q: b }\n`,
    message: '8: `rules[0].map.z.q` names "z.q", which is neither a deprecated name of this rule nor a path under one of its banned modules',
  },
  {
    name: 'a rule whose ban lies under another rule\'s',
    text: `${HEAD}rules:\n  - id: r\n    deprecated: ["import x"]\n    replaceWith: c\n  - id: s\n    deprecated: ["from x import y"]\n    replaceWith: c\n`,
    message: '9: `rules[1].deprecated[0]` `x.y` lies under `x` (rule "r": `import x`): a finding belongs to one rule; drop one of the two, or narrow the wider one',
  },
  {
    name: 'one rule banning a name twice',
    text: `${HEAD}rules:\n  - id: r\n    deprecated: ["from x import y", "from x import y as z"]\n    replaceWith: c\n`,
    message: '6: `rules[0].deprecated[1]` `x.y` is banned twice (this rule: `from x import y`): a finding belongs to one rule; drop one of the two, or narrow the wider one',
  },
  {
    name: 'a canonical target another rule bans',
    text: `version: 1\ncanonical:\n  c: "from a import b"\n  d: "from x import y"\nrules:\n  - id: r\n    deprecated: ["from a import b"]\n    replaceWith: d\n  - id: s\n    deprecated: ["from q import w"]\n    replaceWith: c\n`,
    message: '11: `rules[1].replaceWith` names `a.b`, which rule "r" bans (`from a import b`): the target of a migration must not be deprecated itself',
  },
  { name: 'types that is not `from M import Class`', text: `${HEAD}${RULE}    types: "import a"\n`, message: '8: `rules[0].types` must import exactly one name: "import a" (expected `from module import Class`)' },
  { name: 'duplicate rule id', text: `${HEAD}${RULE}  - id: r\n    deprecated: ["from x import z"]\n    replaceWith: c\n`, message: '8: `rules[1].id` duplicates rule id "r"' },
  { name: 'phase naming an unknown rule', text: `${HEAD}${RULE}phases:\n  - id: "1"\n    rules: [nope]\n`, message: '10: `phases[0].rules[0]` names no rule id: "nope"' },
  { name: 'a boundary of no known type', text: `${HEAD}${RULE}services:\n  a: "a/**"\n  b: "b/**"\nboundaries:\n  - { type: forbiden, from: [a], to: [b] }\n`, message: '12: `boundaries[0].type`: must be one of `forbidden`, `independence`, `layers`' },
  { name: 'a boundary naming no service', text: `${HEAD}${RULE}services:\n  a: "a/**"\n  b: "b/**"\nboundaries:\n  - { type: forbidden, from: [a], to: [c] }\n`, message: '12: `boundaries[0].to[0]` names no service: "c" (known: a, b)' },
  { name: 'two boundaries of the same name', text: `${HEAD}${RULE}services:\n  a: "a/**"\n  b: "b/**"\nboundaries:\n  - { type: independence, services: [a, b] }\n  - { type: independence, services: [b, a], name: "independence: a, b" }\n`, message: '13: `boundaries[1].name` duplicates boundary name "independence: a, b"' },
];

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

for (const c of cases) {
  test(`config error: ${c.name}`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ssot-config-'));
    dirs.push(dir);
    const file = path.join(dir, c.file ?? 'ssot.config.yaml');
    writeFileSync(file, c.text);
    await assert.rejects(loadConfig(dir), (error: unknown) => {
      assert.ok(error instanceof UserError, `a UserError, got ${String(error)}`);
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, `${file}:${c.message}`);
      assert.ok(!error.message.includes('\n'), 'one line');
      return true;
    });
  });
}

test('config error: no config file at all, with a hint', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssot-config-'));
  dirs.push(dir);
  await assert.rejects(loadConfig(dir), (error: unknown) => {
    assert.ok(error instanceof UserError);
    assert.equal(error.message, `no ssot.config.yaml in ${dir}`);
    assert.match(error.hint ?? '', /ssot init/);
    return true;
  });
  await assert.rejects(loadConfig(dir, path.join(dir, 'other.yaml')), /other\.yaml: config file not found/);
  await assert.rejects(loadConfig(dir, dir), /config path is not a file/);
});
