/** `ssot init`: a commented starter config that loads as it is, never overwritten without --force. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, runCli, tempDir } from './run.js';

test('init writes a commented starter config that scan accepts', () => {
  const dir = tempDir('init');
  try {
    const result = runCli(['init', dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^wrote .*ssot\.config\.yaml\n$/);
    const text = readFileSync(path.join(dir, 'ssot.config.yaml'), 'utf8');
    assert.ok(text.split('\n').filter((line) => line.trimStart().startsWith('#')).length >= 10, 'commented');
    for (const key of ['version:', 'sourceRoots:', 'services:', 'canonical:', 'rules:', 'deprecated:', 'replaceWith:', 'phases:', 'gates:']) {
      assert.ok(text.includes(key), key);
    }
    writeFileSync(path.join(dir, 'app.py'), 'from app.db.redis_manager import RedisManager\n\nRedisManager()\n');
    const scan = runCli(['check', dir, '--format', 'json']);
    assert.equal(scan.status, 1, scan.stderr);
    const report = JSON.parse(scan.stdout) as { findings: { kind: string; phase: string }[] };
    assert.deepEqual(report.findings.map((f) => [f.kind, f.phase]), [['import', '2'], ['usage', '2']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('init refuses to overwrite an existing config unless --force', () => {
  const dir = tempDir('init-exists');
  try {
    writeFileSync(path.join(dir, 'ssot.config.yaml'), 'mine\n');
    const refused = runCli(['init', dir]);
    assert.match(assertOneLineError(refused), /^error: .*ssot\.config\.yaml already exists$/);
    assert.match(refused.stderr, /\nhint: pass --force to overwrite it\n$/);
    assert.equal(readFileSync(path.join(dir, 'ssot.config.yaml'), 'utf8'), 'mine\n');
    assert.equal(runCli(['init', dir, '--force']).status, 0);
    assert.match(readFileSync(path.join(dir, 'ssot.config.yaml'), 'utf8'), /^# ssot\.config\.yaml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
