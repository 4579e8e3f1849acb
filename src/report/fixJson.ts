/**
 * `ssot fix --format json`: the data of a fix run, a phase run or `--all`,
 * as the contract other reports (and scripts) read. Bytes never appear (the
 * diff is `--diff`'s business); findings use the scan contract's keys.
 */
import type { AddedServiceImport } from '../engine/boundaries.js';
import type { FixRun } from '../model/outcome.js';
import { TOOL_VERSION } from '../model/version.js';
import type { RunAllResult } from '../phases/runAll.js';
import type { PhaseOutcome } from '../phases/runPhase.js';
import type { GateResult } from '../phases/gates.js';
import { findingJson } from './json.js';

/** `ssot fix` without a phase: every file's outcome, what was written (`written` null for --dry-run), the findings. */
export function fixRunJson(run: FixRun, written: readonly string[] | null, serviceImports: readonly AddedServiceImport[] = []): Record<string, unknown> {
  const wrote = new Set(written ?? []);
  return {
    tool: 'ssot',
    version: TOOL_VERSION,
    root: run.root,
    command: 'fix',
    dryRun: written === null,
    files: run.files.map((f) => ({
      file: f.file,
      status: f.status,
      ...(f.reason === undefined ? {} : { reason: f.reason }),
      ...(f.warning === undefined ? {} : { warning: f.warning }),
      written: wrote.has(f.file),
      applied: f.applied,
      left: f.left,
    })),
    summary: run.summary,
    compileCheck: run.compileCheck,
    findings: run.findings.map(findingJson),
    errors: run.errors,
    serviceImports,
  };
}

function gateJson(g: GateResult): Record<string, unknown> {
  const { tail, ...rest } = g;
  // the output of a passing gate is noise; a failing one keeps its last lines
  return g.ok ? rest : { ...rest, tail };
}

/** One phase run (`ssot fix --phase ID`, or one phase of `--all`). */
export function phaseOutcomeJson(outcome: PhaseOutcome): Record<string, unknown> {
  return {
    phase: outcome.phase.id,
    title: outcome.phase.title ?? null,
    risk: outcome.phase.risk ?? null,
    status: outcome.status,
    ...(outcome.stage === undefined ? {} : { stage: outcome.stage }),
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    commitBefore: outcome.commitBefore,
    commitAfter: outcome.commitAfter,
    subject: outcome.subject,
    rules: outcome.rules,
    written: outcome.written,
    perFile: outcome.perFile,
    refused: outcome.refused,
    skipped: outcome.skipped,
    counts: outcome.counts,
    leftByReason: outcome.leftByReason,
    gates: outcome.gates.map(gateJson),
    ...(outcome.failedGate ? { failedGate: gateJson(outcome.failedGate) } : {}),
    restored: outcome.restored,
    compileCheck: outcome.compileCheck,
    serviceImports: outcome.serviceImports,
  };
}

export function renderFixRunJson(run: FixRun, written: readonly string[] | null, serviceImports: readonly AddedServiceImport[] = []): string {
  return `${JSON.stringify(fixRunJson(run, written, serviceImports), null, 2)}\n`;
}

export function renderPhaseOutcomeJson(root: string, outcome: PhaseOutcome): string {
  return `${JSON.stringify({ tool: 'ssot', version: TOOL_VERSION, root, command: 'fix --phase', phases: [phaseOutcomeJson(outcome)] }, null, 2)}\n`;
}

export function renderRunAllJson(root: string, result: RunAllResult): string {
  return `${JSON.stringify(
    {
      tool: 'ssot',
      version: TOOL_VERSION,
      root,
      command: 'fix --all',
      phases: result.outcomes.map(phaseOutcomeJson),
      alreadyDone: result.alreadyDone,
      notReached: result.notReached,
    },
    null,
    2,
  )}\n`;
}
