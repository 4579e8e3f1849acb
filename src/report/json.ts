import type { ScanResult } from '../engine/run.js';
import type { Finding } from '../model/finding.js';

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
  return out;
}

/** The JSON contract: key order as documented in the README. */
export function renderJson(result: ScanResult): string {
  const findings = result.findings.map(findingJson);
  return `${JSON.stringify(
    {
      tool: result.tool,
      version: result.version,
      root: result.root,
      findings,
      summary: result.summary,
      errors: result.errors,
      warnings: result.warnings,
    },
    null,
    2,
  )}\n`;
}
