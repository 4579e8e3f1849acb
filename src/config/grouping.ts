/**
 * Which service and phase own a file. Services: first matching glob list in
 * config order. Phases: an explicit `files` entry of any phase beats every
 * `include` glob; otherwise the first phase whose globs match.
 */
import picomatch from 'picomatch';
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

/** Bans that apply in `rel`: rules filtered by `ruleFilter`, minus rules whose allowIn covers the file. */
export function activeBans(config: Config, grouping: Grouping, rel: string, ruleFilter?: string): import('../model/finding.js').Ban[] {
  return config.rules
    .filter((r) => (!ruleFilter || r.id === ruleFilter) && !(r.allowIn.length && grouping.allowed(r.id, rel)))
    .flatMap((r) => r.bans);
}
