/**
 * The guard every tree-reading command passes first: while the journal of an
 * interrupted `fix --phase` or `rollback` exists they stop with exit 2 and
 * point to `ssot recover` (status still runs, to show it). It is installed
 * on the program whichever command modules main.ts loaded.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { requireNoJournal } from '../phases/journal.js';
import { findConfigRoot, isDirectory } from './targets.js';

/** Commands whose first argument is the ssot root and that must not run over a half-done phase. */
const GUARDED = new Set(['scan', 'check', 'baseline', 'fix', 'plan', 'rollback', 'verify']);

export function installJournalGuard(program: Command): void {
  program.hook('preAction', (_program, actionCommand) => {
    if (!GUARDED.has(actionCommand.name())) return;
    const first: unknown = actionCommand.processedArgs[0];
    // `scan`/`check`/`baseline` take the root or a list of files (whose root is found above them)
    const arg = Array.isArray(first) ? (first[0] as string | undefined) : first;
    const given = path.resolve(typeof arg === 'string' ? arg : '.');
    const root = existsSync(given) && !isDirectory(given) ? findConfigRoot(path.dirname(given)) : given;
    if (root && existsSync(root)) requireNoJournal(root);
  });
}
