/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`): one
 * per finding, which the Actions runner turns into annotations on the
 * changed lines of a pull request. With a baseline only new findings are
 * annotated, and each stale entry gets a warning on its file.
 */
import type { BaselineEntry } from '../engine/baseline.js';
import type { ScanResult } from '../engine/run.js';
import type { CheckBaseline } from './baseline.js';

export interface GithubOptions {
  /** `error` when the findings fail the run (`check`), `warning` for an inventory (`scan`). */
  readonly level: 'error' | 'warning';
  /** Prefix that makes root-relative paths relative to the workspace (the repository root), e.g. `services/`. */
  readonly pathPrefix?: string;
  readonly baseline?: CheckBaseline;
}

/** Escapes the message part of a workflow command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (`file=`, `title=`) of a workflow command. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(name: string, properties: Record<string, string | number>, message: string): string {
  const props = Object.entries(properties)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name} ${props}::${escapeData(message)}`;
}

export function renderGithub(result: ScanResult, options: GithubOptions): string {
  const prefix = options.pathPrefix ?? '';
  const out: string[] = [];
  for (const [i, f] of result.findings.entries()) {
    if (options.baseline && options.baseline.states[i] !== 'new') continue;
    out.push(
      command(
        options.level,
        { file: prefix + f.file, line: f.line, col: f.column, endLine: f.endLine, endColumn: f.endColumn, title: `ssot ${f.rule}` },
        f.fix && f.fix !== 'manual' ? `${f.message} (fixable: ${f.fix})` : f.message,
      ),
    );
  }
  for (const e of options.baseline?.absent ?? []) {
    out.push(command(options.baseline!.strict ? 'error' : 'warning', { file: prefix + e.file, title: 'ssot baseline' }, staleMessage(e, options.baseline!.file)));
  }
  for (const p of [...result.errors, ...result.warnings]) out.push(command('warning', { file: prefix + p.file, title: 'ssot' }, p.message));
  return out.length ? `${out.join('\n')}\n` : '';
}

/** One line saying which baseline entry no longer occurs. */
export function staleMessage(e: BaselineEntry, file: string): string {
  const where = e.scope ? ` in ${e.scope}` : '';
  return `baseline entry no longer occurs: ${e.rule} ${e.kind} \`${e.text}\`${where} (#${e.occurrence + 1}); remove it with \`ssot baseline --prune\` (${file})`;
}
