/**
 * Which service and phase own a file. Services: first matching glob list in
 * config order. Phases: an explicit `files` entry of any phase beats every
 * `include` glob; otherwise the first phase whose globs match.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Ban } from '../model/finding.js';
import { UserError } from '../model/errors.js';
import type { Config } from './compile.js';

export interface Grouping {
  serviceOf(rel: string): string | null;
  phaseOf(rel: string): string | null;
  /** True when a rule's allowIn globs cover the file. */
  allowed(ruleId: string, rel: string): boolean;
}

const GLOB_OPTIONS = { dot: true } as const;

export function buildGrouping(config: Config): Grouping {
  const services = config.services.map((s) => ({ name: s.name, match: picomatch([...s.globs], GLOB_OPTIONS) }));
  const explicit = new Map<string, string>();
  for (const phase of config.phases) for (const file of phase.files) if (!explicit.has(file)) explicit.set(file, phase.id);
  const phaseGlobs = config.phases
    .filter((p) => p.include.length)
    .map((p) => ({ id: p.id, match: picomatch([...p.include], GLOB_OPTIONS) }));
  const allow = new Map(
    config.rules.map((r) => [r.id, r.allowIn.length ? picomatch([...r.allowIn], GLOB_OPTIONS) : () => false] as const),
  );
  return {
    serviceOf: (rel) => services.find((s) => s.match(rel))?.name ?? null,
    phaseOf: (rel) => explicit.get(rel) ?? phaseGlobs.find((p) => p.match(rel))?.id ?? null,
    allowed: (ruleId, rel) => allow.get(ruleId)?.(rel) ?? false,
  };
}

/**
 * The bans that apply in each of `files`: the rules `ruleFilter` keeps, minus
 * the rules whose allowIn covers the file. One array per distinct set, so
 * workers get each set once and per-set work (needles, prefilter plans) is
 * done once; `banSetOf[i]` indexes `banSets` for `files[i]`.
 */
export function activeBanSets(config: Config, grouping: Grouping, files: readonly string[], ruleFilter?: string): { banSets: Ban[][]; banSetOf: Uint32Array } {
  const activeRules = ruleFilter ? config.rules.filter((r) => r.id === ruleFilter) : config.rules;
  const allBans = activeRules.flatMap((r) => r.bans);
  const rulesWithAllowIn = activeRules.filter((r) => r.allowIn.length);
  const banSets: Ban[][] = [];
  const ids = new Map<string, number>();
  const banSetOf = new Uint32Array(files.length);
  for (let i = 0; i < files.length; i++) {
    const allowedIds = rulesWithAllowIn.filter((r) => grouping.allowed(r.id, files[i]!)).map((r) => r.id);
    const key = allowedIds.join('\0');
    let id = ids.get(key);
    if (id === undefined) {
      id = banSets.length;
      banSets.push(allowedIds.length ? allBans.filter((b) => !allowedIds.includes(b.ruleId)) : allBans);
      ids.set(key, id);
    }
    banSetOf[i] = id;
  }
  return { banSets, banSetOf };
}

/**
 * Phase `files` entries that name no file a run scans (a typo, a file since
 * deleted, one outside `include` or inside `exclude`): one line each, with
 * the config's file:line and key. Checked on the disk, without walking the
 * tree, so a phase can refuse before its gates run.
 */
export function phaseFileProblems(root: string, config: Pick<Config, 'phases' | 'include' | 'exclude' | 'where'>): { readonly where: string; readonly message: string }[] {
  const included = picomatch([...config.include], GLOB_OPTIONS);
  const excluded = picomatch([...config.exclude], GLOB_OPTIONS);
  const problems: { where: string; message: string }[] = [];
  config.phases.forEach((phase, p) => {
    phase.files.forEach((file, i) => {
      let isFile = false;
      try {
        isFile = statSync(path.join(root, file)).isFile();
      } catch {
        // missing: reported below
      }
      const why = !isFile ? 'names no file' : !included(file) || excluded(file) ? 'names a file that `include`/`exclude` leave out of every run' : null;
      if (why) problems.push({ where: config.where(['phases', p, 'files', i]), message: `\`phases[${p}].files[${i}]\` ${why}: "${file}"` });
    });
  });
  return problems;
}

/** The first phase-file problem as a usage error (exit 2), for commands that run or plan phases. */
export function requirePhaseFilesExist(root: string, config: Pick<Config, 'phases' | 'include' | 'exclude' | 'where'>): void {
  const problems = phaseFileProblems(root, config);
  const first = problems[0];
  if (!first) return;
  throw new UserError(`${first.where}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
    hint: 'fix the path (relative to the root, as `ssot scan` lists files) or remove the entry',
  });
}
