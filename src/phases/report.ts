/**
 * `ssot report`: where the migration stands and how it got there, as one
 * data document — the JSON contract that the HTML dashboard, the Markdown
 * post-completion report and the daily status update are views of. It is
 * built from what the other commands compute: one fix-mode run of the tree
 * (remaining findings and how each would be fixed, as `ssot plan`), the
 * phase log (states, commits, gate evidence, as `ssot status`) and the
 * branch's history (`ssot history`). The monitor's verdict is attached by
 * the CLI (the monitor is a sibling layer).
 */
import type { Config } from '../config/compile.js';
import { computeFixes } from '../engine/fix.js';
import { UNASSIGNED, type Applicability, type Finding } from '../model/finding.js';
import { TOOL_VERSION } from '../model/version.js';
import { gitRun, gitTopLevel } from '../workspace/git.js';
import { computeHistory, type HistoryEvery, type HistoryResult } from './history.js';
import { readJournal, type Journal } from './journal.js';
import type { ApplicabilityCounts } from './plan.js';
import { phaseStates, readState, type GateRecord, type PhaseState, type PhaseStatus } from './state.js';

export interface ReportGate {
  readonly name: string;
  readonly moment: string;
  readonly ok: boolean;
  /** Milliseconds the gate ran. */
  readonly durationMs: number;
  /** ISO time it started. */
  readonly startedAt: string;
  /** How it ended in words: exit code, timeout, signal, or where a pass was reused from. */
  readonly detail: string;
}

export interface ReportPhase {
  readonly id: string;
  readonly title: string | null;
  readonly risk: string | null;
  readonly status: PhaseStatus;
  /** The phase commits in force (several when a done phase was run again), oldest first; after a rollback, the ones it reverted. */
  readonly commits: readonly { readonly commit: string; readonly at: string; readonly fixes: number; readonly files: number; readonly changed: readonly string[] }[];
  /** The revert commits of the last rollback, when the phase is rolled back. */
  readonly rollback: { readonly at: string; readonly commits: readonly string[] } | null;
  /** The last failed attempt after the last success. */
  readonly failure: { readonly at: string; readonly stage: string; readonly reason: string } | null;
  /** Gate evidence: the gates of the last application (before and after), then of the last rollback. */
  readonly gates: readonly ReportGate[];
  /** Files of the phase whose change was rolled back one by one (they stay as before the phase). */
  readonly rolledBackFiles: readonly string[];
  /** Files left as they were on purpose, with why (filled by the phase log when it records pins). */
  readonly pinned: readonly { readonly file: string; readonly reason: string }[];
  /** Files a failed run singled out as the cause (filled by the phase log when it records culprits). */
  readonly culprits: readonly { readonly file: string; readonly reason: string }[];
  /** Findings left in the phase's files now, by how a fix would handle them. */
  readonly remaining: ApplicabilityCounts;
  /** Files of the phase that still hold findings. */
  readonly files: readonly string[];
}

/** A finding a person must handle (manual, or unsafe: applied only with --unsafe after review). */
export interface ReportManualFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: string;
  readonly service: string | null;
  readonly phase: string | null;
  readonly fix: Applicability;
  readonly message: string;
}

export interface ReportManualGroup {
  readonly reason: string;
  readonly count: number;
  /** Service → findings with this reason (who must do the work). */
  readonly byService: Record<string, number>;
  readonly findings: readonly ReportManualFinding[];
}

/** Findings now, service rows × phase columns (`(none)` for files outside every service/phase). */
export interface ReportHeatmap {
  readonly services: readonly string[];
  readonly phases: readonly string[];
  /** cells[i][j]: findings of services[i] in phases[j]. */
  readonly cells: readonly (readonly number[])[];
}

export interface MigrationReport {
  readonly tool: 'ssot';
  readonly version: string;
  readonly root: string;
  /** ISO time the report was made. */
  readonly generatedAt: string;
  readonly head: string | null;
  readonly rules: readonly { readonly id: string; readonly canonical: string; readonly deprecated: readonly string[] }[];
  readonly totals: {
    /** The tree as it is now (work tree, uncommitted changes included). */
    readonly now: ApplicabilityCounts & { readonly files: number };
    /** The first point of the history: the tree before the migration (or the window's start). */
    readonly before: { readonly commit: string; readonly date: string; readonly total: number; readonly byFix: Record<Applicability, number>; readonly files: number } | null;
  };
  readonly phases: readonly ReportPhase[];
  readonly unassigned: ApplicabilityCounts & { readonly files: number };
  readonly heatmap: ReportHeatmap;
  readonly manual: readonly ReportManualGroup[];
  /** Null outside a git work tree. */
  readonly history: HistoryResult | null;
  readonly journal: Journal | null;
}

export interface ReportOptions {
  readonly root: string;
  readonly config: Config;
  /** History window: a date or a ref; default: the commit before the branch's first phase commit, else 30 days. */
  readonly since?: string;
  readonly every?: HistoryEvery;
  readonly cache?: boolean;
  readonly now?: Date;
}

function applicability(findings: readonly Pick<Finding, 'fix'>[]): ApplicabilityCounts {
  const out = { safe: 0, unsafe: 0, manual: 0, total: findings.length };
  for (const f of findings) {
    if (f.fix === 'safe') out.safe++;
    else if (f.fix === 'unsafe') out.unsafe++;
    else out.manual++;
  }
  return out;
}

/** The first parent of the oldest phase commit on the branch (the tree before the migration), or null when no phase was committed. */
export async function migrationStart(root: string): Promise<string | null> {
  const out = await gitRun(root, ['log', '--first-parent', '--format=%H', '--grep=^Ssot-Phase: ', 'HEAD']);
  const oldest = out.code === 0 ? out.stdout.toString('utf8').trim().split('\n').filter(Boolean).at(-1) : undefined;
  if (!oldest) return null;
  const parent = await gitRun(root, ['rev-parse', '-q', '--verify', `${oldest}^`]);
  return parent.code === 0 ? parent.stdout.toString('utf8').trim() : oldest;
}

function gateRecord(g: GateRecord): ReportGate {
  const detail = g.reusedFrom
    ? `passed (${g.reusedFrom})`
    : g.ok
      ? 'passed'
      : g.interrupted
        ? 'interrupted'
        : g.timedOut
          ? 'timed out'
          : g.exitCode === null
            ? `killed by ${g.signal ?? 'a signal'}`
            : `exit ${g.exitCode}`;
  return { name: g.name, moment: g.moment, ok: g.ok, durationMs: g.durationMs, startedAt: g.startedAt, detail };
}

/** The file notes a phase log event may carry under `key` (pins, culprits), when it records them. */
function notesOf(event: unknown, key: string): { file: string; reason: string }[] {
  const value = (event as Record<string, unknown> | undefined)?.[key];
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) =>
    v && typeof v === 'object' && typeof (v as { file?: unknown }).file === 'string'
      ? [{ file: (v as { file: string }).file, reason: String((v as { reason?: unknown }).reason ?? '') }]
      : typeof v === 'string'
        ? [{ file: v, reason: '' }]
        : [],
  );
}

function reportPhase(config: Config, state: PhaseState, own: readonly Finding[]): ReportPhase {
  const phase = config.phases.find((p) => p.id === state.id);
  const applications = state.applications;
  const reverted = state.status === 'rolled-back' ? (state.lastRollback?.reverted ?? []) : [];
  const commits = applications
    .filter((a) => a.commitAfter)
    .map((a) => ({ commit: a.commitAfter!, at: a.event.at, fixes: a.event.counts.fixes, files: a.event.counts.files, changed: a.files }));
  const lastApplied = applications.at(-1)?.event;
  const gates = [...(lastApplied?.gates ?? []), ...(state.status === 'rolled-back' ? (state.lastRollback?.gates ?? []) : [])].map(gateRecord);
  return {
    id: state.id,
    title: phase?.title ?? null,
    risk: phase?.risk ?? null,
    status: state.status,
    commits: commits.length ? commits : reverted.map((commit) => ({ commit, at: '', fixes: 0, files: 0, changed: [] })),
    rollback: state.status === 'rolled-back' && state.lastRollback ? { at: state.lastRollback.at, commits: state.lastRollback.commits } : null,
    failure: state.lastFailure ? { at: state.lastFailure.at, stage: state.lastFailure.stage, reason: state.lastFailure.reason } : null,
    gates,
    rolledBackFiles: state.rolledBackFiles,
    // files the phase log keeps out of the phase (a rollback --file pins them, when it records pins)
    pinned: [...((state as PhaseState & { readonly pinned?: readonly string[] }).pinned ?? []).map((file) => ({ file, reason: 'rolled back by hand; left out of the phase' })), ...notesOf(lastApplied, 'pinned')],
    culprits: notesOf(state.lastFailure, 'culprits'),
    remaining: applicability(own),
    files: [...new Set(own.map((f) => f.file))].sort(),
  };
}

function heatmapOf(config: Config, findings: readonly Finding[]): ReportHeatmap {
  const key = (v: string | null) => v ?? UNASSIGNED;
  const services = [...config.services.map((s) => s.name), ...(findings.some((f) => f.service === null) ? [UNASSIGNED] : [])];
  const phases = [...config.phases.map((p) => p.id), ...(findings.some((f) => f.phase === null) ? [UNASSIGNED] : [])];
  const cells = services.map((s) => phases.map((p) => findings.filter((f) => key(f.service) === s && key(f.phase) === p).length));
  return { services, phases, cells };
}

function manualGroups(findings: readonly Finding[]): ReportManualGroup[] {
  const groups = new Map<string, ReportManualFinding[]>();
  for (const f of findings) {
    if (f.fix === 'safe') continue;
    const reason = f.reason ?? (f.fix === 'unsafe' ? 'unsafe fix: review it, then run `ssot fix --unsafe`' : 'needs a manual change');
    let list = groups.get(reason);
    if (!list) groups.set(reason, (list = []));
    list.push({ file: f.file, line: f.line, column: f.column, rule: f.rule, service: f.service, phase: f.phase, fix: f.fix ?? 'manual', message: f.message });
  }
  return [...groups]
    .map(([reason, list]) => {
      const byService: Record<string, number> = {};
      for (const f of list) byService[f.service ?? UNASSIGNED] = (byService[f.service ?? UNASSIGNED] ?? 0) + 1;
      return { reason, count: list.length, byService, findings: list };
    })
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export async function migrationReport(options: ReportOptions): Promise<MigrationReport> {
  const { root, config } = options;
  const now = options.now ?? new Date();
  const run = await computeFixes({ root, config, compileCheck: false });
  // (awaited: the phase log may be read asynchronously from git)
  const states = phaseStates(config, await readState(root));
  const inGit = (await gitTopLevel(root)) !== null && (await gitRun(root, ['rev-parse', '-q', '--verify', 'HEAD'])).code === 0;
  let history: HistoryResult | null = null;
  if (inGit) {
    const since = options.since ?? (await migrationStart(root)) ?? undefined;
    history = await computeHistory({ root, config, since, every: options.every, cache: options.cache, now });
  }
  const first = history?.points[0];
  const loose = run.findings.filter((f) => f.phase === null);
  return {
    tool: 'ssot',
    version: TOOL_VERSION,
    root: run.root,
    generatedAt: now.toISOString(),
    head: history?.head ?? null,
    rules: config.rules.map((r) => ({ id: r.id, canonical: r.canonical.statement, deprecated: [...new Set(r.bans.map((b) => b.source))] })),
    totals: {
      now: { ...applicability(run.findings), files: new Set(run.findings.map((f) => f.file)).size },
      before: first ? { commit: first.commit, date: first.date, total: first.total, byFix: first.byFix, files: first.filesWithFindings } : null,
    },
    phases: states.map((s) => reportPhase(config, s, run.findings.filter((f) => f.phase === s.id))),
    unassigned: { ...applicability(loose), files: new Set(loose.map((f) => f.file)).size },
    heatmap: heatmapOf(config, run.findings),
    manual: manualGroups(run.findings),
    history,
    journal: readJournal(root),
  };
}
