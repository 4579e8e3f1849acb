/**
 * Which module declares which commands. main.ts loads only the module of the
 * command on the command line (all of them for `--help`, `help` and unknown
 * names), so each entry lists every command name its module registers —
 * test/cli/commands.test.ts holds the list to what the modules declare.
 */
import type { Command } from 'commander';

/** A module that declares commands on the program, and the command names it declares. */
export interface CommandModule {
  readonly names: readonly string[];
  readonly register: () => Promise<(program: Command) => void>;
}

// -- command registrations (one entry per command module, in `--help` order) --
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['scan', 'check', 'baseline', 'merge-baseline'], register: async () => (await import('./commands/scan.js')).registerScanCommands },
  { names: ['init'], register: async () => (await import('./commands/init.js')).registerInitCommand },
  { names: ['monitor'], register: async () => (await import('./commands/monitor.js')).registerMonitorCommand },
  { names: ['fix'], register: async () => (await import('./commands/fix.js')).registerFixCommand },
  { names: ['plan'], register: async () => (await import('./commands/plan.js')).registerPlanCommand },
  { names: ['rollback'], register: async () => (await import('./commands/rollback.js')).registerRollbackCommand },
  { names: ['verify'], register: async () => (await import('./commands/verify.js')).registerVerifyCommand },
  { names: ['status'], register: async () => (await import('./commands/status.js')).registerStatusCommand },
  { names: ['recover'], register: async () => (await import('./commands/recover.js')).registerRecoverCommand },
  { names: ['shim'], register: async () => (await import('./commands/shim.js')).registerShimCommand },
  { names: ['prune'], register: async () => (await import('./commands/prune.js')).registerPruneCommand },
  { names: ['history'], register: async () => (await import('./commands/history.js')).registerHistoryCommand },
  { names: ['report'], register: async () => (await import('./commands/report.js')).registerReportCommand },
  { names: ['affected'], register: async () => (await import('./commands/affected.js')).registerAffectedCommand },
];

