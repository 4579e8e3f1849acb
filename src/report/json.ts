import type { ScanResult } from '../engine/run.js';
import type { Finding } from '../model/finding.js';
import type { CheckBaseline } from './baseline.js';

/** One finding of the JSON contract, keys in the documented order (`fix` and `reason` when planned). */
export function findingJson(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    rule: f.rule,
    kind: f.kind,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    symbol: f.symbol,
    local: f.local,
    usage: f.usage,
    service: f.service,
    phase: f.phase,
    parseErrors: f.parseErrors,
    message: f.message,
  };
  if (f.fix !== undefined) out.fix = f.fix;
  if (f.reason !== undefined) out.reason = f.reason;
  if (f.boundary !== undefined) out.boundary = f.boundary;
  return out;
}

/** The JSON contract: key order as documented in the README. With a baseline, each finding has `baselineState` and `baseline` lists the stale entries. */
export function renderJson(result: ScanResult, baseline?: CheckBaseline): string {
  const findings = result.findings.map((f, i) => {
    const out = findingJson(f);
    if (f.scope !== undefined) out.scope = f.scope;
    if (baseline) out.baselineState = baseline.states[i];
    return out;
  });
  return `${JSON.stringify(
    {
      tool: result.tool,
      version: result.version,
      root: result.root,
      findings,
      summary: result.summary,
      errors: result.errors,
      warnings: result.warnings,
      ...(baseline
        ? {
            baseline: {
              file: baseline.file,
              new: baseline.states.filter((s) => s === 'new').length,
              unchanged: baseline.states.filter((s) => s === 'unchanged').length,
              absent: baseline.absent,
            },
          }
        : {}),
    },
    null,
    2,
  )}\n`;
}
