/**
 * `scan()`: the inventory. Discovers files, runs each through scanFileBytes,
 * attaches service/phase/message, and returns plain data that every reporter
 * (text, JSON, SARIF, Markdown) is a pure function of.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, Rule } from '../config/compile.js';
import type { Ban, FileProblem, Finding } from '../core/model.js';
import { TOOL_VERSION } from '../core/version.js';
import { adapterFor } from '../languages/registry.js';
import { discoverFiles } from '../workspace/discover.js';
import { buildGrouping } from './grouping.js';
import { scanFileBytes, type FileFinding } from './scanFile.js';

export interface ScanSummary {
  files: number;
  filesWithFindings: number;
  byService: Record<string, number>;
  byPhase: Record<string, number>;
  byRule: Record<string, number>;
  byKind: Record<string, number>;
}

export interface ScanResult {
  tool: 'ssot';
  version: string;
  /** Absolute path of the scanned root. */
  root: string;
  findings: Finding[];
  summary: ScanSummary;
  /** Files that could not be scanned (unreadable, binary, not UTF-8, broken links). */
  errors: FileProblem[];
  /** Scanned with caveats (syntax errors: findings may be incomplete). */
  warnings: FileProblem[];
}

export interface ScanOptions {
  readonly root: string;
  readonly config: Config;
  readonly phase?: string;
  readonly service?: string;
  readonly rule?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Placeholder service/phase key in summaries for findings outside every service/phase. */
export const UNASSIGNED = '(none)';

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const root = path.resolve(options.root);
  const { config } = options;
  const adapter = adapterFor(config.language);
  const grouping = buildGrouping(config);
  const discovered = await discoverFiles({ root, include: config.include, exclude: config.exclude });
  const rulesById = new Map(config.rules.map((r) => [r.id, r]));
  const activeRules = options.rule ? config.rules.filter((r) => r.id === options.rule) : config.rules;
  const allBans = activeRules.flatMap((r) => r.bans);

  // bans per allowIn combination: computed once per distinct set of allowed rules
  const bansCache = new Map<string, { bans: Ban[]; needles: Buffer[] }>();
  const bansFor = (rel: string) => {
    const allowedIds = activeRules.filter((r) => r.allowIn.length && grouping.allowed(r.id, rel)).map((r) => r.id);
    const key = allowedIds.join('\0');
    let entry = bansCache.get(key);
    if (!entry) {
      const bans = allowedIds.length ? allBans.filter((b) => !allowedIds.includes(b.ruleId)) : allBans;
      entry = { bans, needles: adapter.needles(bans).map((n) => Buffer.from(n, 'utf8')) };
      bansCache.set(key, entry);
    }
    return entry;
  };

  const findings: Finding[] = [];
  const errors: FileProblem[] = [...discovered.problems];
  const warnings: FileProblem[] = [];
  const total = discovered.files.length;
  let done = 0;
  for (const rel of discovered.files) {
    const service = grouping.serviceOf(rel);
    const phase = grouping.phaseOf(rel);
    done++;
    if ((options.service && service !== options.service) || (options.phase && phase !== options.phase)) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(root, rel));
    } catch (error) {
      errors.push({ file: rel, message: `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)}), skipped` });
      continue;
    }
    const { bans, needles } = bansFor(rel);
    const outcome = await scanFileBytes({ rel, bytes, bans, needles, sourceRoots: config.sourceRoots, adapter });
    if (outcome.status === 'skipped') errors.push({ file: rel, message: outcome.reason });
    else if (outcome.status === 'findings') {
      if (outcome.parseErrors) warnings.push({ file: rel, message: 'has syntax errors; scanned what tree-sitter recovered' });
      for (const f of outcome.findings) findings.push(toFinding(f, rel, service, phase, rulesById.get(f.rule)!));
    }
    if (options.onProgress && (done & 63) === 0) options.onProgress(done, total);
  }
  options.onProgress?.(total, total);
  return {
    tool: 'ssot',
    version: TOOL_VERSION,
    root,
    findings,
    summary: summarize(findings, countScanned(discovered.files, grouping, options)),
    errors,
    warnings,
  };
}

function countScanned(files: string[], grouping: ReturnType<typeof buildGrouping>, options: ScanOptions): number {
  if (!options.service && !options.phase) return files.length;
  return files.filter(
    (rel) => (!options.service || grouping.serviceOf(rel) === options.service) && (!options.phase || grouping.phaseOf(rel) === options.phase),
  ).length;
}

function toFinding(f: FileFinding, rel: string, service: string | null, phase: string | null, rule: Rule): Finding {
  const { range: _range, ...rest } = f;
  return {
    rule: rest.rule,
    kind: rest.kind,
    file: rel,
    line: rest.line,
    column: rest.column,
    endLine: rest.endLine,
    endColumn: rest.endColumn,
    symbol: rest.symbol,
    local: rest.local,
    usage: rest.usage,
    service,
    phase,
    parseErrors: rest.parseErrors,
    message: messageFor(f, rule),
  };
}

export function messageFor(f: Pick<Finding, 'kind' | 'symbol' | 'local' | 'usage'>, rule: Rule): string {
  const target = rule.canonical.statement;
  const base =
    f.kind === 'import'
      ? `\`${f.symbol}\` is deprecated; use \`${target}\``
      : f.kind === 'usage'
        ? `\`${f.local}\` uses deprecated \`${f.symbol}\` (${f.usage})`
        : `string refers to deprecated \`${f.symbol}\``;
  return rule.message ? `${base} — ${rule.message}` : base;
}

export function summarize(findings: readonly Finding[], files: number): ScanSummary {
  const count = (key: (f: Finding) => string) => {
    const out: Record<string, number> = {};
    for (const f of findings) out[key(f)] = (out[key(f)] ?? 0) + 1;
    return out;
  };
  return {
    files,
    filesWithFindings: new Set(findings.map((f) => f.file)).size,
    byService: count((f) => f.service ?? UNASSIGNED),
    byPhase: count((f) => f.phase ?? UNASSIGNED),
    byRule: count((f) => f.rule),
    byKind: count((f) => f.kind),
  };
}
