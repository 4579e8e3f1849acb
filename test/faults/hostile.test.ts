/**
 * The "done when", on one tree: every hostile file of the
 * reliability sweep (bad bytes, binary, bad or contradicting coding lines,
 * symlinks that are broken, loop or leave the root, an unreadable file, odd
 * names, deep nesting, syntax errors) next to good files in every encoding
 * and line-ending style. `ssot scan` exits 2, lists each bad file exactly
 * once, and reports every finding of the good files — the bad ones sink
 * nothing. Run as `nobody` when the tests run as root, so mode 000 means
 * something.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { assertNoTrace, cleanUp, cli, GOOD, openToAll, tree, UNPRIVILEGED } from './helpers.js';

after(cleanUp);

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Good files: each holds the import and one usage (2 findings). */
const GOOD_FILES: Record<string, string | Buffer> = {
  'good/plain.py': GOOD,
  'good/crlf.py': GOOD.replace(/\n/g, '\r\n'),
  'good/bom.py': Buffer.concat([BOM, Buffer.from(GOOD)]),
  'good/bom_crlf.py': Buffer.concat([BOM, Buffer.from(GOOD.replace(/\n/g, '\r\n'))]),
  'good/mixed_endings.py': 'from legacy.client import OldClient\r\n\nclient = OldClient()\r\n',
  'good/tabs.py': 'from legacy.client import OldClient\n\ndef f():\n\treturn OldClient()\n',
  'good/latin1_cookie.py': latin1('# -*- coding: latin-1 -*-\nfrom legacy.client import OldClient\nN = "\xe9"\nclient = OldClient()\n'),
  'good/cp1252_second_line.py': latin1('#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nfrom legacy.client import OldClient\nE = "\x80"\nclient = OldClient()\n'),
  'good/deep.py': `from legacy.client import OldClient\nx = ${'('.repeat(3000)}1${')'.repeat(3000)}\nclient = OldClient()\n`,
  'good/-dash.py': GOOD,
  'good/sp ace.py': GOOD,
  'good/*[x].py': GOOD,
  'good/ünï.py': GOOD,
  'good/new\nline.py': GOOD,
  'good/syntax_error.py': 'from legacy.client import OldClient\n\nclient = OldClient(\n\ndef (:\n',
};

/** Bad files: each must be listed exactly once (as an error, or a warning for what is deliberately not followed). */
const BAD_FILES: Record<string, string | Buffer> = {
  'bad/not_utf8.py': latin1('from legacy.client import OldClient\nN = "\xe9"\n'),
  'bad/binary.py': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x6f, 0x6c, 0x64]),
  'bad/nul.py': Buffer.from('from legacy.client import OldClient\0\n'),
  'bad/unknown_cookie.py': '# -*- coding: klingon -*-\nfrom legacy.client import OldClient\n',
  'bad/bom_with_latin1_cookie.py': Buffer.concat([BOM, Buffer.from('# coding: latin-1\nfrom legacy.client import OldClient\n')]),
  'bad/ascii_cookie_high_byte.py': latin1('# coding: ascii\nfrom legacy.client import OldClient\nN = "\xe9"\n'),
  'bad/utf16_cookie.py': '# coding: utf-16\nfrom legacy.client import OldClient\n',
};

test('a tree of every hostile file: scan exits 2, names each bad file once, and reports every finding of the good files', async () => {
  const dir = tree('hostile', {
    ...GOOD_FILES,
    ...BAD_FILES,
    'good/empty.py': '',
    'good/only_syntax_error.py': 'def (:\n',
  });
  mkdirSync(path.join(dir, 'links'));
  const outside = tree('outside', { 'victim.py': GOOD }, null);
  openToAll(outside);
  symlinkSync(path.join(outside, 'victim.py'), path.join(dir, 'links/outside.py'));
  symlinkSync(path.join(dir, 'links/gone.py'), path.join(dir, 'links/broken.py'));
  symlinkSync(path.join(dir, 'links/loop_b.py'), path.join(dir, 'links/loop_a.py'));
  symlinkSync(path.join(dir, 'links/loop_a.py'), path.join(dir, 'links/loop_b.py'));
  symlinkSync(dir, path.join(dir, 'links/dir_loop'));
  writeFileSync(path.join(dir, 'bad/unreadable.py'), GOOD);
  openToAll(dir);
  chmodSync(path.join(dir, 'bad/unreadable.py'), 0o000);
  // as root a mode-000 file is readable: the scan runs as nobody then
  const unreadableCounts = UNPRIVILEGED !== undefined || process.getuid?.() !== 0;

  const run = await cli(['scan', dir, '--format', 'json', '--no-cache'], { asUnprivileged: true });
  assertNoTrace(run);
  assert.equal(run.code, 2, run.stderr);
  const report = JSON.parse(run.stdout) as { findings: { file: string }[]; errors: { file: string; message: string }[]; warnings: { file: string; message: string }[] };

  // every good file's findings, whatever its encoding, endings or name
  const perFile = new Map<string, number>();
  for (const f of report.findings) perFile.set(f.file, (perFile.get(f.file) ?? 0) + 1);
  for (const file of Object.keys(GOOD_FILES)) assert.ok((perFile.get(file) ?? 0) >= 2, `${JSON.stringify(file)}: ${perFile.get(file) ?? 0} findings`);
  assert.deepEqual([...perFile.keys()].filter((f) => !(f in GOOD_FILES)), [], 'findings only in good files');

  // every bad file once, with a reason; nothing else is an error
  const expectedErrors = [...Object.keys(BAD_FILES), 'links/broken.py', 'links/loop_a.py', 'links/loop_b.py', ...(unreadableCounts ? ['bad/unreadable.py'] : [])].sort();
  assert.deepEqual(report.errors.map((e) => e.file).sort(), expectedErrors, JSON.stringify(report.errors, null, 1));
  const messageOf = (file: string) => report.errors.find((e) => e.file === file)!.message;
  assert.match(messageOf('bad/not_utf8.py'), /^not valid UTF-8 \(byte 41\), skipped$/);
  assert.match(messageOf('bad/binary.py'), /binary file/);
  assert.match(messageOf('bad/unknown_cookie.py'), /unknown encoding `klingon`/);
  assert.match(messageOf('bad/bom_with_latin1_cookie.py'), /UTF-8 BOM but declares `coding: latin-1`/);
  assert.match(messageOf('bad/ascii_cookie_high_byte.py'), /not valid ascii \(byte 57\)/);
  assert.match(messageOf('links/loop_a.py'), /symlink loop/);
  if (unreadableCounts) assert.match(messageOf('bad/unreadable.py'), /cannot read \(EACCES\)/);
  assert.ok(report.warnings.some((w) => w.file === 'links/outside.py' && /leaves the scanned root/.test(w.message)));
  assert.ok(report.warnings.some((w) => w.file === 'good/syntax_error.py'));

  // stderr: one line per problem, each bad file named once
  const errorLines = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(errorLines.length, expectedErrors.length, run.stderr);
  for (const file of expectedErrors) assert.equal(errorLines.filter((l) => l.startsWith(`error: ${file}: `)).length, 1, file);
});
