/**
 * `ssot status`: where the migration stands — each phase done / pending /
 * rolled back (with its commit), the findings that remain per phase, the most
 * recent gate results, and an interrupted command if there is one. Works
 * while a journal exists (it is how the user finds out).
 */
import type { Config } from '../config/compile.js';
import { scan } from '../engine/run.js';
import { UNASSIGNED } from '../model/finding.js';
import { readJournal, journalOwnerAlive, type Journal } from './journal.js';
import { lastGateEvent, phaseStatesAtHead, readState, type GateRecord, type PhaseState, type StateEvent } from './state.js';

export interface PhaseStatusRow {
  readonly id: string;
  readonly title: string | undefined;
  readonly state: PhaseState;
  /** Findings of any kind still in the phase's files. */
  readonly remaining: number;
}

export interface StatusResult {
  readonly phases: PhaseStatusRow[];
  readonly remaining: { readonly total: number; readonly unassigned: number; readonly files: number };
  readonly lastGates: { readonly event: StateEvent['type']; readonly at: string; readonly phase?: string; readonly gates: readonly GateRecord[] } | undefined;
  readonly journal: (Journal & { readonly running: boolean }) | null;
  readonly events: number;
}

export async function phaseStatus(options: { root: string; config: Config }): Promise<StatusResult> {
  const { root, config } = options;
  const state = readState(root);
  const states = await phaseStatesAtHead(root, config, state);
  const result = await scan({ root, config });
  const byPhase = new Map<string, number>();
  for (const f of result.findings) byPhase.set(f.phase ?? UNASSIGNED, (byPhase.get(f.phase ?? UNASSIGNED) ?? 0) + 1);
  const last = lastGateEvent(state);
  const journal = readJournal(root);
  return {
    phases: states.map((s) => ({
      id: s.id,
      title: config.phases.find((p) => p.id === s.id)?.title,
      state: s,
      remaining: byPhase.get(s.id) ?? 0,
    })),
    remaining: { total: result.findings.length, unassigned: byPhase.get(UNASSIGNED) ?? 0, files: result.summary.filesWithFindings },
    lastGates: last && { event: last.type, at: last.at, ...('phase' in last ? { phase: last.phase } : {}), gates: last.gates },
    journal: journal && { ...journal, running: journalOwnerAlive(journal) },
    events: state.events.length,
  };
}
