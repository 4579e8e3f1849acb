#!/usr/bin/env node
/**
 * The only place that reads argv, prints and exits. Every command's work lives
 * in a pure(ish) function under src/ that returns data; this file wires.
 */
import { Command, CommanderError } from 'commander';
import { UserError } from '../model/errors.js';
import { TOOL_VERSION } from '../model/version.js';
// -- command registrations (one import per command module) --
import { registerScanCommands } from './commands/scan.js';
import { registerInitCommand } from './commands/init.js';
import { registerMonitorCommand } from './commands/monitor.js';
import { registerFixCommand } from './commands/fix.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerRollbackCommand } from './commands/rollback.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerStatusCommand } from './commands/status.js';
import { registerRecoverCommand } from './commands/recover.js';
import { registerShimCommand } from './commands/shim.js';
import { registerHistoryCommand } from './commands/history.js';
import { registerReportCommand } from './commands/report.js';
import { registerAffectedCommand } from './commands/affected.js';

export function buildProgram(): Command {
  const program = new Command('ssot')
    .description('Move a monorepo onto a single source of truth for an import, safely, in phases.')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();
  // -- command registrations (one call per command module) --
  registerScanCommands(program);
  registerInitCommand(program);
  registerMonitorCommand(program);
  registerFixCommand(program);
  registerPlanCommand(program);
  registerRollbackCommand(program);
  registerVerifyCommand(program);
  registerStatusCommand(program);
  registerRecoverCommand(program);
  registerShimCommand(program);
  registerHistoryCommand(program);
  registerReportCommand(program);
  registerAffectedCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
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
