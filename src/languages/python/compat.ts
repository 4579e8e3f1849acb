/**
 * Does a rewritten use still behave? What the program does with the object a
 * deprecated name yields — the members it reads and calls, identity
 * comparisons, where it stores the object — checked against what the
 * deprecated and the canonical objects are (languages/python/symbols.ts). A
 * fix is safe only when every use fits; otherwise the check says why, in
 * words a person can act on.
 */
import type { MemberInfo, ParameterInfo, SymbolInfo } from '../../model/symbols.js';
import { pushReversed } from '../../parsing/liteTree.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';
import { plural } from '../../text/plural.js';

export interface UseVerdict {
  readonly applicability: 'manual' | 'unsafe';
  readonly reason: string;
  /** The value is compared by identity (the engine tells other files' fixes). */
  readonly identity?: true;
}

/** One thing the program does with the object. */
interface ObjectUse {
  /** `obj.name` read or called. */
  readonly member?: { readonly name: string; readonly call: SyntaxNode | null };
  /** `obj is …`, `… is not obj`, `id(obj)`. */
  readonly identity?: true;
  /** The object leaves where ssot can follow it: `f(obj)`, `Cls(redis=obj)`. */
  readonly escapes?: string;
}

const SCOPE_TYPES = new Set(['function_definition', 'class_definition', 'lambda', 'module']);

/**
 * What the program does with the value at `node` (the rewritten expression):
 * directly, through a variable it is assigned to (`m = X()` then `m.get()`),
 * a `with … as c` target, or `self.attr = …` (then `self.attr.m` anywhere in
 * the class). Assignments are followed one level, within the scope.
 */
function usesOf(node: SyntaxNode, alike: (node: SyntaxNode) => boolean): ObjectUse[] {
  const out: ObjectUse[] = [];
  direct(node, out, true, alike);
  return out;
}

function direct(node: SyntaxNode, out: ObjectUse[], follow: boolean, alike: (node: SyntaxNode) => boolean): void {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  if (!parent) return;
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === n.id) {
    const name = parent.childForFieldName('attribute')?.text ?? '';
    const up = parent.parent;
    const call = up?.type === 'call' && up.childForFieldName('function')?.id === parent.id ? up : null;
    out.push({ member: { name, call } });
    return;
  }
  if (parent.type === 'comparison_operator') {
    // `x is None` holds for the canonical object as it did for the deprecated one, and so does
    // a comparison with another use that becomes the same canonical object
    if (identityPartners(parent, n).some((c) => c.type !== 'none' && !alike(c))) out.push({ identity: true });
    return;
  }
  if (parent.type === 'argument_list') {
    const call = parent.parent;
    const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
    if (fn?.type === 'identifier' && fn.text === 'id') out.push({ identity: true });
    else if (fn && !(fn.type === 'identifier' && ['isinstance', 'issubclass', 'print', 'repr', 'str', 'type', 'bool'].includes(fn.text))) out.push({ escapes: `passed to \`${fn.text}(…)\`` });
    return;
  }
  if (parent.type === 'keyword_argument' && parent.childForFieldName('value')?.id === n.id) {
    const call = parent.parent?.parent;
    const fn = call?.type === 'call' ? call.childForFieldName('function')?.text : undefined;
    out.push({ escapes: `passed as \`${parent.childForFieldName('name')?.text}=\` to \`${fn ?? '…'}(…)\`` });
    return;
  }
  if (!follow) return;
  if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === n.id) {
    const left = parent.childForFieldName('left');
    if (left?.type === 'identifier') for (const use of loadsAfter(left.text, parent)) direct(use, out, false, alike);
    else if (left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self') {
      const attr = left.childForFieldName('attribute')?.text ?? '';
      const cls = enclosing(parent, 'class_definition');
      if (cls) for (const use of selfAttributeLoads(cls, attr)) direct(use, out, false, alike);
      else out.push({ escapes: `stored as \`self.${attr}\`` });
    } else if (left) out.push({ escapes: `stored in \`${left.text}\`` });
    return;
  }
  // `with X() as c:`
  if (parent.type === 'as_pattern' && parent.namedChildren[0]?.id === n.id) {
    const target = parent.childForFieldName('alias') ?? parent.namedChildren.find((c) => c?.type === 'as_pattern_target') ?? null;
    const name = target?.type === 'as_pattern_target' ? target.namedChildren[0]?.text : target?.text;
    const statement = enclosing(parent, 'with_statement');
    if (name && statement) for (const use of loadsAfter(name, statement)) direct(use, out, false, alike);
  }
}

/**
 * The operands `operand` is compared with by `is` / `is not` in a comparison
 * chain: its neighbours only, as Python reads `a < b is c` as `a < b and b is c`.
 * Found from the operand's place in the chain (indexed once per chain), so
 * a chain of n uses costs n, not n².
 */
function identityPartners(comparison: SyntaxNode, operand: SyntaxNode): SyntaxNode[] {
  const children = comparison.children;
  let places = chainPlaces.get(comparison);
  if (!places) {
    places = new Map(children.map((c, i) => [c.id, i]));
    chainPlaces.set(comparison, places);
  }
  const at = places.get(operand.id);
  if (at === undefined) return [];
  const partners: SyntaxNode[] = [];
  for (const step of [-1, 1]) {
    let identity = false;
    for (let i = at + step; i >= 0 && i < children.length; i += step) {
      const c = children[i]!;
      if (c.type === 'comment') continue;
      if (!c.isNamed) {
        identity ||= c.type === 'is' || c.type === 'is not';
        continue;
      }
      if (identity) partners.push(c);
      break;
    }
  }
  return partners;
}

const chainPlaces = new WeakMap<SyntaxNode, Map<number, number>>();

function enclosing(node: SyntaxNode, type: string): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === type) return n;
  return null;
}

/** Loads of `name` after `after` in the scope that holds `after` (nested functions and classes excluded). */
function loadsAfter(name: string, after: SyntaxNode): SyntaxNode[] {
  let scope: SyntaxNode | null = after.parent;
  while (scope && !SCOPE_TYPES.has(scope.type)) scope = scope.parent;
  if (!scope) return [];
  const out: SyntaxNode[] = [];
  const top = scope.type === 'module' ? scope : (scope.childForFieldName('body') ?? scope);
  const pending: SyntaxNode[] = [];
  pushReversed(pending, top.namedChildren);
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') continue;
    if (node.type === 'identifier' && node.text === name && node.startIndex > after.endIndex) out.push(node);
    else pushReversed(pending, node.namedChildren);
  }
  return out;
}

/** `self.<attr>` in every method of `cls`, as the object of a further access. */
function selfAttributeLoads(cls: SyntaxNode, attr: string): SyntaxNode[] {
  return cls
    .descendantsOfType('attribute')
    .filter((a) => a.childForFieldName('object')?.text === 'self' && a.childForFieldName('attribute')?.text === attr && a.parent?.type === 'attribute');
}

/** Does a call fit a method's parameters? */
function fits(call: SyntaxNode, params: ParameterInfo): boolean {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'argument_list') return true;
  let positional = 0;
  const keywords: string[] = [];
  for (const a of args.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'list_splat' || a.type === 'dictionary_splat') return true; // `*args` / `**kw`: cannot tell
    if (a.type === 'keyword_argument') keywords.push(a.childForFieldName('name')?.text ?? '');
    else positional++;
  }
  if (positional > params.positional) return false;
  const filled = new Set(params.keywords.slice(0, positional));
  for (const k of keywords) {
    if (!params.keywords.includes(k) && !params.anyKeyword) return false;
    filled.add(k);
  }
  const requiredPositional = params.keywords.slice(0, params.required);
  return requiredPositional.every((k, i) => i < positional || filled.has(k)) && params.requiredKeywords.every((k) => filled.has(k));
}

/** The class a value belongs to, by its short name — or its full path when the two sides' short names are the same. */
function namesOf(deprecated: SymbolInfo | undefined, canonical: SymbolInfo | undefined): { dep: string; can: string } {
  const path = (info: SymbolInfo | undefined) => info?.classIdentity ?? info?.identity ?? '?';
  const short = (p: string) => p.slice(p.lastIndexOf('.') + 1);
  const [d, c] = [path(deprecated), path(canonical)];
  return short(d) === short(c) ? { dep: `\`${d}\``, can: `\`${c}\`` } : { dep: `\`${short(d)}\``, can: `\`${short(c)}\`` };
}

/**
 * The verdict on the uses of one rewritten expression: manual when the
 * canonical object lacks a member the program uses (or both lack it: the old
 * code could not have worked), or a called member is sync on one side and
 * async on the other; unsafe when a call's arguments do not fit the canonical
 * member, when the value is compared by identity, or — for a new object that
 * became the shared one (`fresh`) — when private state is read. Null: it fits.
 */
export function checkUses(
  node: SyntaxNode,
  deprecated: SymbolInfo | undefined,
  canonical: SymbolInfo | undefined,
  fresh: boolean,
  /** True for another expression the same fix turns into the same canonical object. */
  alike: (node: SyntaxNode) => boolean = () => false,
): { verdict: UseVerdict | null; notes: string[] } {
  const notes: string[] = [];
  let unsafe: UseVerdict | null = null;
  const { dep: depName, can: canName } = namesOf(deprecated, canonical);
  // two new objects were two objects: after the fix both are the one shared instance (`X() is X()`)
  for (const use of usesOf(node, fresh ? () => false : alike)) {
    if (use.escapes) {
      notes.push(use.escapes);
      continue;
    }
    if (use.identity) {
      unsafe ??= {
        applicability: 'unsafe',
        reason: 'compared by identity (`is`, `id()`): the value is now the canonical object, not the deprecated one (which may still be alive)',
        identity: true,
      };
      continue;
    }
    const member = use.member!;
    const canMembers = canonical?.members;
    const depMembers = deprecated?.members;
    const can: MemberInfo | undefined = canMembers?.[member.name];
    const dep: MemberInfo | undefined = depMembers?.[member.name];
    if (canMembers && !can && canonical?.membersComplete !== false) {
      if (depMembers && !dep && deprecated?.membersComplete !== false) {
        return { verdict: { applicability: 'manual', reason: `uses \`.${member.name}\`, which neither ${depName} nor ${canName} has: the old code could not have worked; fix it by hand` }, notes };
      }
      return { verdict: { applicability: 'manual', reason: `uses \`.${member.name}\`, which ${canName} does not have${deprecated?.members ? ` (${depName} has it)` : ''}` }, notes };
    }
    if (can && depMembers && !dep && deprecated?.membersComplete !== false && !member.name.startsWith('__')) {
      return { verdict: { applicability: 'manual', reason: `uses \`.${member.name}\`, which ${depName} does not have: the old code raised \`AttributeError\` here and the fix would make it work; fix it by hand` }, notes };
    }
    if (can && dep && (can.kind === 'method') !== (dep.kind === 'method')) {
      const what = (m: MemberInfo) => (m.kind === 'method' ? 'a method' : `${m.kind === 'property' ? 'a property' : 'an attribute'}`);
      return { verdict: { applicability: 'manual', reason: `\`.${member.name}\` is ${what(dep)} on ${depName} and ${what(can)} on ${canName}: its use must change by hand` }, notes };
    }
    if (member.call && dep?.kind === 'method' && dep.parameters && !fits(member.call, dep.parameters)) {
      return { verdict: { applicability: 'manual', reason: `calls \`.${member.name}(…)\` with arguments that do not fit ${depName}'s \`${member.name}\` either: the old code raised \`TypeError\` here; fix it by hand` }, notes };
    }
    if (member.call && can?.kind === 'method' && dep?.kind === 'method' && Boolean(can.async) !== Boolean(dep.async)) {
      const [sync, async] = can.async ? [depName, canName] : [canName, depName];
      return {
        verdict: { applicability: 'manual', reason: `calls \`.${member.name}()\`, which is \`async\` on ${async} and not on ${sync}: an \`await\` must be ${can.async ? 'added' : 'removed'} by hand` },
        notes,
      };
    }
    if (member.call && can?.kind === 'method' && can.parameters && !fits(member.call, can.parameters)) {
      unsafe ??= { applicability: 'unsafe', reason: `calls \`.${member.name}(…)\` with arguments that do not fit ${canName}'s \`${member.name}\` (${plural(can.parameters.required, 'required positional argument')})` };
      continue;
    }
    if (fresh && member.name.startsWith('_') && !member.name.startsWith('__')) {
      unsafe ??= { applicability: 'unsafe', reason: `reads \`.${member.name}\`, private state of what was a new object: the shared instance may have been used already` };
    }
  }
  return { verdict: unsafe, notes };
}
