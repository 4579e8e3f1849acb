/**
 * The breach action, run at most once per watch: `--on-breach CMD` through
 * `sh -c`, or `--rollback-phase ID` as `ssot rollback --phase ID` in a child
 * ssot (same node binary, same entry script). The child learns why through
 * SSOT_MONITOR_* environment variables.
 */
import { spawn } from 'node:child_process';
import type { Verdict } from './judge.js';
import type { SourceHealth } from './window.js';

export interface ActionResult {
  /** What ran: the shell command, or `ssot rollback --phase ID`. */
  command: string;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  error?: string;
}

/** Everything `ssot monitor watch` found, for the reporters and the JSON output. */
export interface WatchReport {
  verdict: Verdict;
  startedAt: string;
  elapsedMs: number;
  durationMs: number;
  intervalMs: number;
  intervals: number;
  interrupted: boolean;
  stoppedEarly: boolean;
  strict: boolean;
  baselineFile: string;
  health: SourceHealth[];
  action?: ActionResult;
}

export type BreachAction = { kind: 'shell'; command: string } | { kind: 'rollback'; phase: string };

export function describeAction(action: BreachAction): string {
  return action.kind === 'shell' ? action.command : `ssot rollback --phase ${action.phase}`;
}

export function runBreachAction(
  action: BreachAction,
  verdict: Verdict,
  /** `self`: how to run ssot itself (the node binary and the entry script), for `--rollback-phase`. */
  options: { stdoutToStderr: boolean; timeoutMs: number; baselineFile: string; self: readonly [string, string] },
): Promise<ActionResult> {
  const started = Date.now();
  const [file, args] =
    action.kind === 'shell'
      ? ['sh', ['-c', action.command]]
      : [options.self[0], [options.self[1], 'rollback', '--phase', action.phase]];
  const failed = verdict.signals.filter((s) => s.confirmed || s.status === 'fail');
  const env = {
    ...process.env,
    SSOT_MONITOR_OUTCOME: verdict.outcome,
    SSOT_MONITOR_REASON: verdict.reason,
    SSOT_MONITOR_FAILED_SIGNALS: failed.map((s) => s.id).join('\n'),
    SSOT_MONITOR_BASELINE: options.baselineFile,
  };
  return new Promise((resolve) => {
    const child = spawn(file, args as string[], { stdio: ['ignore', options.stdoutToStderr ? 2 : 'inherit', 'inherit'], env });
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ command: describeAction(action), exitCode: null, signal: null, durationMs: Date.now() - started, error: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ command: describeAction(action), exitCode: code, signal, durationMs: Date.now() - started });
    });
  });
}
