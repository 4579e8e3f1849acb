/**
 * main.ts loads only the module that declares the command on the command
 * line, found by name in COMMAND_MODULES: a name missing there would make
 * `ssot NAME` load every module (slow, but right) and a name listed under
 * the wrong module would make it an unknown command. Each entry must list
 * exactly the commands its module registers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { COMMAND_MODULES } from '../../src/cli/commands.js';

test('every command module lists exactly the commands it registers', async () => {
  const seen = new Set<string>();
  for (const module of COMMAND_MODULES) {
    const program = new Command('ssot');
    (await module.register())(program);
    const declared = program.commands.map((c) => c.name()).sort();
    assert.deepEqual(declared, [...module.names].sort(), `module of ${module.names.join(', ')}`);
    for (const name of declared) {
      assert.ok(!seen.has(name), `${name} is declared by two modules`);
      seen.add(name);
    }
  }
});
