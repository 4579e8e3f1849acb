#!/usr/bin/env node
/**
 * The only place that reads argv, prints and exits. Every command's work lives
 * in a pure(ish) function under src/ that returns data; this file wires.
 *
 * Start-up loads only what the command line needs: `--version` loads nothing
 * but the version; `ssot scan …` loads commander and the one module that
 * declares `scan` (and what that module imports), never the monitor, the
 * phase machinery or the fix writer. Only `--help`, `help` and a command name
 * ssot does not know load every command module (to list them, or to suggest
 * the closest name).
 */
import { TOOL_VERSION } from '../model/version.js';
import type { Command } from 'commander';
import { COMMAND_MODULES } from './commands.js';

/**
 * The program with the command modules `argv` needs: the one that declares
 * its command, or all of them (no command, `help`, an unknown name).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const { Command: Program } = await import('commander');
  const program = new Program('ssot')
    .description('Move a monorepo onto a single source of truth for an import, safely, in phases.')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();
  const name = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const first = argv[2];
  // only the program's own options (--help, --version) can come before the command name
  const owner = first !== undefined && first === name ? COMMAND_MODULES.find((m) => m.names.includes(name)) : undefined;
  const modules = owner ? [owner] : COMMAND_MODULES;
  const registers = await Promise.all(modules.map((m) => m.register()));
  for (const register of registers) register(program);
  (await import('./journalGuard.js')).installJournalGuard(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    // what commander prints for it, without loading commander
    process.stdout.write(`${TOOL_VERSION}\n`);
    return 0;
  }
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(error);
  }
}

async function reportError(error: unknown): Promise<number> {
  const { CommanderError } = await import('commander');
  const { UserError } = await import('../model/errors.js');
  if (error instanceof CommanderError) {
    // help and version exit 0; usage errors already printed by commander
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UserError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  throw error;
}

/**
 * A reader that goes away (`ssot … | head`) closes our stdout or stderr.
 * That never interrupts the work — a phase finishes, commits and records as
 * it would have; what it still had to say is dropped — and is not an error.
 */
function survivePipeClose(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    stream.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  });
}
survivePipeClose(process.stdout);
survivePipeClose(process.stderr);

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ssot: internal error (a bug — please report it)\n${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
