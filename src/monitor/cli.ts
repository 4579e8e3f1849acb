import type { Command } from 'commander';

/** Placeholder until the monitor commands land (owned by the monitor work). */
export function registerMonitorCommand(_program: Command): void {}
