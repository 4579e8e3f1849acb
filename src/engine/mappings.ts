/**
 * How each deprecated name moves to its canonical one (model/finding.ts
 * MigrationShape), decided once per run from what the names are in the tree:
 * the same object in a new home is a `move` (imports change, uses keep their
 * shape), a different object of the same kind a `rename`, a class replaced by
 * an instance `class-to-instance`. Where a name is not defined in the tree,
 * its spelling decides (same spelling ⇒ move; a CapWords class to a lowercase
 * name ⇒ class-to-instance), and the fix says so. The rule's `mode:` wins. A
 * mapping that cannot be decided is a config error with a hint, never a guess.
 */
import type { Config, Rule } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import { targetPath, type Ban, type MigrationShape } from '../model/finding.js';
import type { SymbolInfo } from '../model/symbols.js';
import type { LanguageAdapter } from '../languages/adapter.js';

export interface ShapeDecision {
  readonly shape: MigrationShape;
  /** Set when the names alone decided (a definition was not in the tree). */
  readonly note?: string;
}

const article = (kind: string) => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
const lastSegment = (dotted: string) => dotted.slice(dotted.lastIndexOf('.') + 1);

/** A name spelled like a class (CapWords, `_Private` too). Only a fallback for names the tree does not define. */
export function looksLikeClass(dotted: string): boolean {
  const first = lastSegment(dotted).replace(/^_+/, '')[0];
  return first !== undefined && first === first.toUpperCase() && first !== first.toLowerCase();
}

/** The shape of one ban, or the reason it cannot be decided (a config error). */
export function decideShape(ban: Ban, deprecated: SymbolInfo, canonical: SymbolInfo): ShapeDecision | { error: string; hint: string } {
  if (!ban.target) return { error: `\`${ban.path}\` has no canonical target`, hint: 'pair it with a name of the canonical statement' };
  const to = targetPath(ban.target);
  if (ban.mode === 'move') return { shape: 'move' };
  const known = deprecated.kind !== 'unknown' && canonical.kind !== 'unknown';
  if (known) {
    if (ban.mode !== 'replace' && deprecated.identity === canonical.identity) return { shape: 'move' };
    if (deprecated.kind === 'class' && canonical.kind === 'instance') return { shape: 'class-to-instance' };
    if (deprecated.kind === canonical.kind) return { shape: 'rename' };
    return {
      error: `\`${ban.path}\` is ${article(deprecated.kind)} and \`${to}\` ${article(canonical.kind)}: ssot moves a name to the same object, renames it to another object of its kind, or replaces a class with a shared instance`,
      hint: 'pair it with a canonical name of the same kind (`map:`), or leave its uses to a person with `# ssot: ignore`',
    };
  }
  const where = [deprecated, canonical].filter((s) => s.kind === 'unknown').map((s) => `\`${s.identity}\``).join(' and ');
  const fromNames = `decided from the names (${where} ${where.includes(' and ') ? 'are' : 'is'} not defined in the scanned tree)`;
  if (ban.mode !== 'replace' && lastSegment(ban.path) === ban.target.name) return { shape: 'move', note: `${fromNames}: the same name in a new home` };
  if (ban.mode !== 'replace' && (ban.kind === 'module' || deprecated.kind === 'module' || canonical.kind === 'module')) {
    return {
      error: `cannot tell how \`${ban.path}\` moves to \`${to}\`: they are spelled differently and ${where} ${where.includes(' and ') ? 'are' : 'is'} not defined in the scanned tree`,
      hint: 'set `mode: move` in the rule when the new module is the same module in a new home',
    };
  }
  if (ban.kind !== 'module' && looksLikeClass(ban.path) && !looksLikeClass(to)) return { shape: 'class-to-instance', note: `${fromNames}: a class replaced by a shared instance` };
  return { shape: 'rename', note: `${fromNames}: another object of the same kind` };
}

/**
 * The config's rules with every ban's shape decided (for runs that plan
 * fixes). Throws a UserError naming the config entry when a mapping cannot
 * be decided.
 */
export async function shapeRules(config: Config, root: string, adapter: LanguageAdapter): Promise<Rule[]> {
  const paths = config.rules.flatMap((r) => r.bans.flatMap((b) => (b.target ? [b.path, targetPath(b.target)] : [b.path])));
  const described = await adapter.describeSymbols(root, config.sourceRoots, paths);
  const unknown = (p: string): SymbolInfo => ({ kind: 'unknown', identity: p });
  return config.rules.map((rule) => ({
    ...rule,
    bans: rule.bans.map((ban) => {
      if (!ban.target) return ban;
      const deprecatedInfo = described.get(ban.path) ?? unknown(ban.path);
      const targetInfo = described.get(targetPath(ban.target)) ?? unknown(targetPath(ban.target));
      const decision = decideShape(ban, deprecatedInfo, targetInfo);
      if ('error' in decision) throw new UserError(`${ban.configLocation ?? config.file}: ${decision.error}`, { hint: decision.hint });
      return { ...ban, shape: decision.shape, ...(decision.note ? { shapeNote: decision.note } : {}), deprecatedInfo, targetInfo };
    }),
  }));
}
