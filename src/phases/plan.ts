/**
 * `ssot plan`: what each phase will do — risk, files, findings by
 * applicability (safe / unsafe / manual), the gates around it, and its state.
 * Plain data; the text table and the stakeholder briefing (seed §8.2) are
 * rendered from it in render.ts. Planning validates nothing with Python (it
 * only counts), so it stays fast on a big tree.
 */
import type { Config, Phase } from '../config/compile.js';
import { requirePhaseFilesExist } from '../config/grouping.js';
import { computeFixes } from '../engine/fix.js';
import { UNASSIGNED } from '../model/finding.js';
import { gatesFor } from './gates.js';
import { readJournal, type Journal } from './journal.js';
import { phaseStatesAtHead, type PhaseState } from './state.js';

export interface ApplicabilityCounts {
  safe: number;
  unsafe: number;
  manual: number;
  total: number;
}

export interface PhasePlan {
  readonly id: string;
  readonly title: string | undefined;
  readonly risk: Phase['risk'];
  /** Files of the phase holding findings, sorted. */
  readonly files: string[];
  readonly findings: ApplicabilityCounts;
  readonly gates: { readonly before: string[]; readonly after: string[] };
  readonly state: PhaseState;
}

export interface PlanResult {
  readonly root: string;
  readonly phases: PhasePlan[];
  /** Findings in files no phase owns: no phase will fix them. */
  readonly unassigned: { readonly files: string[]; readonly findings: ApplicabilityCounts };
  readonly totals: ApplicabilityCounts & { files: number };
  readonly rules: { readonly id: string; readonly canonical: string; readonly deprecated: string[] }[];
  readonly journal: Journal | null;
  readonly generatedAt: string;
}

function count(findings: readonly { fix?: string }[]): ApplicabilityCounts {
  const out = { safe: 0, unsafe: 0, manual: 0, total: findings.length };
  for (const f of findings) {
    if (f.fix === 'safe') out.safe++;
    else if (f.fix === 'unsafe') out.unsafe++;
    else out.manual++;
  }
  return out;
}

export async function planPhases(options: { root: string; config: Config }): Promise<PlanResult> {
  const { root, config } = options;
  requirePhaseFilesExist(root, config);
  const run = await computeFixes({ root, config, compileCheck: false });
  const states = await phaseStatesAtHead(root, config);
  const before = gatesFor(config.gates, 'before').map((g) => g.name);
  const after = gatesFor(config.gates, 'after').map((g) => g.name);
  const phases: PhasePlan[] = config.phases.map((phase) => {
    const own = run.findings.filter((f) => f.phase === phase.id);
    return {
      id: phase.id,
      title: phase.title,
      risk: phase.risk,
      files: [...new Set(own.map((f) => f.file))].sort(),
      findings: count(own),
      gates: { before, after },
      state: states.find((s) => s.id === phase.id)!,
    };
  });
  const loose = run.findings.filter((f) => f.phase === null || f.phase === UNASSIGNED);
  return {
    root: run.root,
    phases,
    unassigned: { files: [...new Set(loose.map((f) => f.file))].sort(), findings: count(loose) },
    totals: { ...count(run.findings), files: new Set(run.findings.map((f) => f.file)).size },
    rules: config.rules.map((r) => ({ id: r.id, canonical: r.canonical.statement, deprecated: [...new Set(r.bans.map((b) => b.source))] })),
    journal: readJournal(root),
    generatedAt: new Date().toISOString(),
  };
}
