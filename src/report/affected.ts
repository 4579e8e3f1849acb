/**
 * `ssot affected` output, pure functions of its result: text (one test file
 * per line, for `pytest $(ssot affected …)`; with `why`, the import chain
 * after each) and JSON (a contract: see the README).
 */
import type { AffectedReason } from '../engine/affected.js';
import type { AffectedResult } from '../phases/affected.js';
import { TOOL_VERSION } from '../model/version.js';
import { plural } from '../text/plural.js';

export function describeReason(reason: AffectedReason): string {
  switch (reason.kind) {
    case 'changed':
      return 'changed itself';
    case 'imports':
      return `imports ${reason.chain.slice(1).join(' → ') || reason.module}${reason.chain.length === 1 ? ` (${reason.module})` : ''}`;
    default:
      return `below ${reason.support}, which ${reason.chain.length === 1 && reason.module === null ? 'changed' : `imports ${reason.chain.slice(1).join(' → ') || reason.module}`}`;
  }
}

export function renderAffectedText(result: AffectedResult, options: { readonly why?: boolean } = {}): string {
  if (!result.tests.length) return '';
  return `${result.tests.map((t) => (options.why ? `${t}  # ${describeReason(result.reasons.get(t)!)}` : t)).join('\n')}\n`;
}

/** The one-line summary for stderr. */
export function renderAffectedSummary(result: AffectedResult): string {
  const target =
    result.target.kind === 'phase'
      ? ` (phase ${result.target.phase}: the files it ${result.phaseFiles === 'committed' ? 'committed' : 'would change'})`
      : result.target.kind === 'since'
        ? ` (since ${result.target.ref})`
        : '';
  const g = result.graph;
  const graph = `import graph of ${plural(g.files, 'file')}: ${g.statHits} cached, ${g.lexed} read${g.parsed ? `, ${g.parsed} parsed` : ''}`;
  const outside = result.outside.length ? `; ${plural(result.outside.length, 'changed file')} not in the tree (deleted or not included): ${result.outside.slice(0, 3).join(', ')}${result.outside.length > 3 ? ', …' : ''}` : '';
  return `${result.tests.length} of ${plural(result.totalTests, 'test file')} affected by ${plural(result.changed.length, 'changed file')}${target}${outside} (${graph})\n`;
}

export function renderAffectedJson(result: AffectedResult): string {
  const why: Record<string, AffectedReason> = {};
  for (const t of result.tests) why[t] = result.reasons.get(t)!;
  return `${JSON.stringify(
    {
      tool: 'ssot',
      version: TOOL_VERSION,
      root: result.root,
      target: result.target,
      ...(result.phaseFiles ? { phaseFiles: result.phaseFiles } : {}),
      changed: result.changed,
      tests: result.tests,
      support: result.support,
      outside: result.outside,
      totalTests: result.totalTests,
      why,
      graph: result.graph,
    },
    null,
    2,
  )}\n`;
}
