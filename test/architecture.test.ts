/**
 * The layers of src/ point one way (README, "How it is built"): checked on
 * the real tree, and on tiny synthetic graphs that show the checker fails on
 * a new cycle, an upward edge, a language folder reached around the registry
 * and a process.exit outside cli/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkArchitecture, cyclesOf, readSourceGraph, type SourceModule } from './architecture/check.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

const mod = (file: string, imports: [string, boolean?][] = [], extra: Partial<SourceModule> = {}): SourceModule => ({
  file,
  imports: imports.map(([target, typeOnly]) => ({ target, typeOnly: typeOnly ?? false })),
  processUses: [],
  strings: [],
  ...extra,
});

describe('architecture', () => {
  test('src/ keeps the rules: no cycle, no upward edge, languages behind the registry, process only in cli/', () => {
    const graph = readSourceGraph(SRC);
    assert.ok(graph.length > 50, `${graph.length} modules read`);
    assert.ok(graph.some((m) => m.imports.some((i) => i.typeOnly)), 'type-only imports are read too');
    assert.deepEqual(checkArchitecture(graph), []);
  });

  test('a downward graph passes', () => {
    assert.deepEqual(
      checkArchitecture([
        mod('model/edit.ts'),
        mod('engine/run.ts', [['model/edit.ts'], ['languages/registry.ts']]),
        mod('languages/registry.ts', [['languages/python/adapter.ts']]),
        mod('languages/python/adapter.ts', [['model/edit.ts']]),
        mod('report/text.ts', [['engine/run.ts', true], ['text/table.ts']]),
        mod('text/table.ts'),
        mod('cli/main.ts', [['report/text.ts'], ['engine/run.ts']], { processUses: ['exit'] }),
      ]),
      [],
    );
  });

  test('a cycle fails, even through type-only imports', () => {
    const graph = [mod('engine/a.ts', [['engine/b.ts', true]]), mod('engine/b.ts', [['engine/c.ts']]), mod('engine/c.ts', [['engine/a.ts']])];
    assert.deepEqual(cyclesOf(graph), [['engine/a.ts', 'engine/b.ts', 'engine/c.ts']]);
    assert.deepEqual(checkArchitecture(graph), ['import cycle: engine/a.ts → engine/b.ts → engine/c.ts → engine/a.ts']);
  });

  test('an upward or sideways edge fails', () => {
    assert.match(checkArchitecture([mod('model/edit.ts', [['engine/run.ts', true]]), mod('engine/run.ts')])[0]!, /upward or sideways import: model\/edit\.ts → engine\/run\.ts \(type\)/);
    assert.match(checkArchitecture([mod('phases/a.ts', [['monitor/b.ts']]), mod('monitor/b.ts')])[0]!, /sideways/);
    // a reporter renders data: values from engine/ are an upward dependency, types are fine
    assert.equal(checkArchitecture([mod('report/x.ts', [['engine/run.ts']]), mod('engine/run.ts')]).length, 1);
    assert.equal(checkArchitecture([mod('report/x.ts', [['engine/run.ts', true]]), mod('engine/run.ts')]).length, 0);
  });

  test('a language folder is reached only through the registry', () => {
    const problems = checkArchitecture([mod('engine/run.ts', [['languages/python/scopes.ts', true]]), mod('languages/python/scopes.ts')]);
    assert.deepEqual(problems, ['language folder reached around the registry: engine/run.ts → languages/python/scopes.ts (type)']);
  });

  test('process output, exits and language names stay where they belong', () => {
    assert.deepEqual(checkArchitecture([mod('phases/a.ts', [], { processUses: ['exitCode'] })]), [
      'phases/a.ts: uses process.exitCode (only cli/ touches argv, stdout, stderr, signals and exit codes)',
    ]);
    assert.deepEqual(checkArchitecture([mod('engine/a.ts', [], { strings: ['python3'] })]), ['engine/a.ts: names python3 (a language detail outside languages/)']);
    assert.deepEqual(checkArchitecture([mod('languages/python/compile.ts', [], { strings: ['python3'] })]), []);
  });
});
