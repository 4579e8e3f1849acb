/**
 * Agreement between ruff's TID251 and ssot on one corpus: every ruff finding
 * (file, line) must be an ssot finding at the same file and line. ssot
 * reports more (usages, string references, rebindings), so the comparison is
 * one way; a ruff finding ssot lacks is a miss and fails the benchmark.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface RuffDiagnostic {
  readonly code: string | null;
  readonly filename: string;
  readonly location: { readonly row: number; readonly column: number };
  readonly message: string;
}

export interface SsotReport {
  readonly findings: readonly { file: string; line: number; kind: string; rule: string; symbol: string }[];
  readonly summary: { files: number };
  readonly errors: readonly { file: string; message: string }[];
  readonly warnings: readonly { file: string; message: string }[];
}

export interface Agreement {
  readonly ruffFindings: number;
  readonly ruffSyntaxErrors: number;
  readonly ssotFindings: number;
  readonly ssotImportFindings: number;
  /** ruff (file, line) pairs with no ssot finding there: misses. */
  readonly missing: { file: string; line: number; column: number; message: string }[];
  /** ssot import findings on lines ruff does not flag (informational: relative imports ruff cannot resolve, etc.). */
  readonly extraImports: { file: string; line: number; symbol: string }[];
  readonly ssotFiles: number;
  readonly ssotErrors: number;
  readonly ssotWarnings: number;
}

export function readRuff(file: string): RuffDiagnostic[] {
  return JSON.parse(readFileSync(file, 'utf8')) as RuffDiagnostic[];
}

export function readSsot(file: string): SsotReport {
  return JSON.parse(readFileSync(file, 'utf8')) as SsotReport;
}

export function compareFindings(root: string, ruff: readonly RuffDiagnostic[], ssot: SsotReport): Agreement {
  const key = (file: string, line: number) => `${file}\0${line}`;
  const ssotLines = new Set(ssot.findings.map((f) => key(f.file, f.line)));
  const ruffTid = ruff.filter((d) => d.code === 'TID251');
  const ruffLines = new Set<string>();
  const missing: Agreement['missing'] = [];
  for (const d of ruffTid) {
    const rel = path.relative(root, d.filename).split(path.sep).join('/');
    ruffLines.add(key(rel, d.location.row));
    if (!ssotLines.has(key(rel, d.location.row))) missing.push({ file: rel, line: d.location.row, column: d.location.column, message: d.message });
  }
  const imports = ssot.findings.filter((f) => f.kind === 'import');
  return {
    ruffFindings: ruffTid.length,
    ruffSyntaxErrors: ruff.filter((d) => d.code === null || d.code === 'invalid-syntax' || d.code === 'E999').length,
    ssotFindings: ssot.findings.length,
    ssotImportFindings: imports.length,
    missing: missing.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
    extraImports: imports.filter((f) => !ruffLines.has(key(f.file, f.line))).map((f) => ({ file: f.file, line: f.line, symbol: f.symbol })),
    ssotFiles: ssot.summary.files,
    ssotErrors: ssot.errors.length,
    ssotWarnings: ssot.warnings.length,
  };
}
