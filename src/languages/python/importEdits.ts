/**
 * The one place a Python fix edits import statements (as LibCST's
 * AddImports/RemoveImports visitors): clauses removed, names added. Added
 * names join an existing `from M import …` of the same module in the scope
 * (at their sorted place when the file sorts them; parentheses, one-per-line
 * layout and trailing commas kept), or become one new statement per module
 * where the removed import stood — never one statement per name. A
 * `from M import a, b` whose names all move to one new module keeps its
 * layout: only the module path changes. Pure: statements in, edits out.
 */
import type { Edit } from '../../model/edit.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';
import type { Scope } from './scopes.js';

/** A name to add: `from module import name [as local]`. */
export interface AddedName {
  readonly module: string;
  readonly name: string;
  readonly local: string;
}

interface StatementChange {
  readonly statement: SyntaxNode;
  readonly removed: Set<number>;
  /** Names added at this statement, in order (a new statement per module after it, or in its place). */
  readonly added: AddedName[];
  /** Names merged into this statement's own clause list (it imports from their module already). */
  readonly merged: AddedName[];
}

export class ImportEditor {
  private readonly changes = new Map<number, StatementChange>();

  constructor(private readonly text: string) {}

  private change(statement: SyntaxNode): StatementChange {
    let c = this.changes.get(statement.id);
    if (!c) this.changes.set(statement.id, (c = { statement, removed: new Set(), added: [], merged: [] }));
    return c;
  }

  removeClause(statement: SyntaxNode, clause: SyntaxNode): void {
    this.change(statement).removed.add(clause.id);
  }

  /** True when the statement loses every clause (so far). */
  vanishes(statement: SyntaxNode): boolean {
    const c = this.changes.get(statement.id);
    if (!c || c.added.length || c.merged.length) return false;
    const clauses = clausesOf(statement);
    return clauses.length > 0 && clauses.every((cl) => c.removed.has(cl.id));
  }

  /**
   * Adds `names` in `scope`: merged into a `from <module> import …` that
   * stays, sits directly in the scope's body and comes before `before` (so it
   * binds before every use), else as new statements at the anchors.
   */
  addNames(scope: Scope, names: readonly AddedName[], anchors: readonly SyntaxNode[], before: number): void {
    const byModule = new Map<string, AddedName[]>();
    for (const n of names) {
      let list = byModule.get(n.module);
      if (!list) byModule.set(n.module, (list = []));
      if (!list.some((m) => m.name === n.name && m.local === n.local)) list.push(n);
    }
    for (const [module, list] of byModule) {
      const into = module === '' ? null : this.mergeTarget(scope, module, before);
      if (into) {
        this.change(into).merged.push(...list);
        continue;
      }
      for (const anchor of anchors) this.change(anchor).added.push(...list);
    }
  }

  /** An existing `from module import …` (not a star import) directly in the scope's body, before `before`, that keeps a clause. */
  private mergeTarget(scope: Scope, module: string, before: number): SyntaxNode | null {
    const body = scope.node.type === 'module' ? scope.node : scope.node.childForFieldName('body');
    for (const statement of body?.namedChildren ?? []) {
      if (!statement || statement.startIndex >= before) break;
      if (statement.type !== 'import_from_statement') continue;
      const moduleNode = statement.childForFieldName('module_name');
      if (!moduleNode || moduleNode.type === 'relative_import' || dotted(moduleNode) !== module) continue;
      if (statement.namedChildren.some((c) => c?.type === 'wildcard_import')) continue;
      const c = this.changes.get(statement.id);
      const clauses = clausesOf(statement);
      if (c && clauses.every((cl) => c.removed.has(cl.id))) continue;
      return statement;
    }
    return null;
  }

  edits(): Edit[] {
    const vanishing = new Set<number>();
    for (const c of this.changes.values()) if (this.vanishes(c.statement)) vanishing.add(c.statement.id);
    return [...this.changes.values()].flatMap((c) => this.statementEdits(c, vanishing));
  }

  private statementEdits(c: StatementChange, vanishing: ReadonlySet<number>): Edit[] {
    const { statement } = c;
    const { text } = this;
    const clauses = clausesOf(statement);
    const removeAll = clauses.length > 0 && clauses.every((cl) => c.removed.has(cl.id));
    const indent = indentationAt(text, statement.startIndex);
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    const statementsOf = (added: readonly AddedName[]) =>
      groupByModule(added).flatMap(([module, names]) => (module === '' ? names.map((n) => `import ${importName(n)}`) : [`from ${module} import ${names.map(importName).join(', ')}`]));
    if (removeAll) {
      const moved = this.modulePathOnly(c, clauses);
      if (moved) return [moved];
      if (c.added.length) return [{ start: statement.startIndex, end: statement.endIndex, text: statementsOf(c.added).join(newline + indent) }];
      const edit = removeStatement(statement, text, vanishing);
      return edit ? [edit] : [];
    }
    const edits: Edit[] = [];
    let i = 0;
    while (i < clauses.length) {
      if (!c.removed.has(clauses[i]!.id)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < clauses.length && c.removed.has(clauses[j + 1]!.id)) j++;
      if (j + 1 < clauses.length) edits.push({ start: clauses[i]!.startIndex, end: clauses[j + 1]!.startIndex, text: '' });
      else edits.push({ start: clauses[i - 1]!.endIndex, end: clauses[j]!.endIndex, text: '' });
      i = j + 1;
    }
    if (c.merged.length) edits.push(...this.mergeEdits(statement, clauses.filter((cl) => !c.removed.has(cl.id)), c.merged, edits));
    if (c.added.length) {
      // after the statement's line, so a trailing comment stays with the statement it describes
      const at = endOfLineAfter(text, statement.endIndex);
      edits.push({ start: at, end: at, text: statementsOf(c.added).map((a) => newline + indent + a).join('') });
    }
    return edits;
  }

  /**
   * `from M import a, b [as c]` whose every name moves, unchanged, to one new
   * module: the module path is the only edit (layout, comments, parentheses kept).
   */
  private modulePathOnly(c: StatementChange, clauses: readonly SyntaxNode[]): Edit | null {
    const { statement } = c;
    if (statement.type !== 'import_from_statement' || c.merged.length || !c.added.length) return null;
    const modules = new Set(c.added.map((a) => a.module));
    if (modules.size !== 1 || modules.has('') || c.added.length !== clauses.length) return null;
    const same = clauses.every((clause, k) => {
      const a = c.added[k]!;
      const { name, local } = clauseNames(clause);
      return name === a.name && local === a.local;
    });
    const moduleNode = statement.childForFieldName('module_name');
    if (!same || !moduleNode) return null;
    return { start: moduleNode.startIndex, end: moduleNode.endIndex, text: [...modules][0]! };
  }

  /** Inserts names into a statement's clause list, each at its sorted place when the list is sorted, else at the end. */
  private mergeEdits(statement: SyntaxNode, kept: readonly SyntaxNode[], names: readonly AddedName[], removals: readonly Edit[]): Edit[] {
    const { text } = this;
    const existing = new Set(kept.map((k) => `${clauseNames(k).name} as ${clauseNames(k).local}`));
    const toAdd = names.filter((n) => !existing.has(`${n.name} as ${n.local}`));
    if (!toAdd.length || !kept.length) return [];
    const keys = kept.map((k) => clauseNames(k).name);
    const sortedBy = (cmp: (a: string, b: string) => number) => keys.every((k, i) => i === 0 || cmp(keys[i - 1]!, k) <= 0);
    const caseless = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
    const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const cmp = sortedBy(ordinal) ? ordinal : sortedBy(caseless) ? caseless : null;
    const multiline = kept.length > 1 ? kept.some((k, i) => i > 0 && k.startPosition.row !== kept[i - 1]!.startPosition.row) : text.slice(statement.startIndex, statement.endIndex).includes('\n');
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    const clauseIndent = indentationAt(text, kept[0]!.startIndex);
    const out: Edit[] = [];
    const last = kept[kept.length - 1]!;
    // a trailing comma after the last clause: `(a, b,)`
    let after = last.endIndex;
    while (after < statement.endIndex && /\s/.test(text[after]!)) after++;
    const trailingComma = text[after] === ',';
    for (const n of toAdd) {
      const clauseText = importName(n);
      const at = cmp ? kept.findIndex((k) => cmp(n.name, clauseNames(k).name) < 0) : -1;
      if (at >= 0) {
        const k = kept[at]!;
        // removals of earlier clauses may start at this clause: insert before them so the edits do not overlap
        const insertAt = removals.some((r) => r.end === k.startIndex && r.start < k.startIndex) ? removals.find((r) => r.end === k.startIndex)!.start : k.startIndex;
        out.push({ start: insertAt, end: insertAt, text: multiline ? `${clauseText},${newline}${clauseIndent}` : `${clauseText}, ` });
      } else if (trailingComma) {
        out.push({ start: after + 1, end: after + 1, text: multiline ? `${newline}${clauseIndent}${clauseText},` : ` ${clauseText},` });
      } else {
        out.push({ start: last.endIndex, end: last.endIndex, text: multiline ? `,${newline}${clauseIndent}${clauseText}` : `, ${clauseText}` });
      }
    }
    return out;
  }
}

export function clausesOf(statement: SyntaxNode): SyntaxNode[] {
  const star = statement.namedChildren.find((c) => c?.type === 'wildcard_import');
  if (star) return [star];
  return statement.childrenForFieldName('name').filter((c): c is SyntaxNode => c !== null);
}

/** The imported name and the local name of one clause (`a.b` / `x as y`). */
export function clauseNames(clause: SyntaxNode): { name: string; local: string } {
  if (clause.type === 'aliased_import') {
    const name = clause.childForFieldName('name');
    const alias = clause.childForFieldName('alias');
    return { name: name ? dotted(name) : clause.text, local: alias?.text ?? '' };
  }
  const name = dotted(clause);
  return { name, local: name };
}

function dotted(node: SyntaxNode): string {
  if (node.type === 'identifier') return node.text;
  const parts: string[] = [];
  for (const child of node.namedChildren) if (child?.type === 'identifier') parts.push(child.text);
  return parts.length ? parts.join('.') : node.text;
}

function importName(n: AddedName): string {
  return n.local === n.name ? n.name : `${n.name} as ${n.local}`;
}

function groupByModule(names: readonly AddedName[]): [string, AddedName[]][] {
  const out = new Map<string, AddedName[]>();
  for (const n of names) {
    let list = out.get(n.module);
    if (!list) out.set(n.module, (list = []));
    if (!list.some((m) => m.name === n.name && m.local === n.local)) list.push(n);
  }
  return [...out];
}

/** Where the line of `index` ends when only blanks and a comment follow it there, else `index` (a `;` and more code follow). */
function endOfLineAfter(text: string, index: number): number {
  let at = index;
  while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
  if (text[at] === '#') while (at < text.length && text[at] !== '\n' && text[at] !== '\r') at++;
  return at >= text.length || text[at] === '\n' || text[at] === '\r' ? at : index;
}

export function indentationAt(text: string, index: number): string {
  let start = index;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = start;
  while (end < index && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/**
 * Delete a statement: with its line (and its trailing comment) when it is
 * alone on it; with its `;` when it shares the line; `pass` in its place when
 * its block would be left without statements (the first vanishing one).
 */
function removeStatement(statement: SyntaxNode, text: string, vanishing: ReadonlySet<number>): Edit | null {
  const parent = statement.parent;
  if (parent?.type === 'block') {
    const siblings = parent.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
    if (siblings.every((c) => vanishing.has(c.id))) {
      // an `if TYPE_CHECKING:` left empty goes as a whole (with the first of its statements)
      const guard = parent.parent;
      if (guard && isTypeCheckingGuard(guard, parent)) {
        return siblings[0]?.id === statement.id ? removeStatement(guard, text, new Set([...vanishing, guard.id])) : null;
      }
      if (siblings[0]?.id === statement.id) return { start: statement.startIndex, end: statement.endIndex, text: 'pass' };
    }
  }
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
  let before = statement.startIndex;
  while (before > 0 && isSpace(text[before - 1])) before--;
  let after = statement.endIndex;
  while (after < text.length && isSpace(text[after])) after++;
  if (text[after] === ';') {
    let end = after + 1;
    while (end < text.length && isSpace(text[end])) end++;
    return { start: statement.startIndex, end, text: '' };
  }
  if (before > 0 && text[before - 1] === ';') return { start: before - 1, end: statement.endIndex, text: '' };
  const atLineStart = before === 0 || text[before - 1] === '\n' || text[before - 1] === '\r';
  let end = after;
  if (text[end] === '#') while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  if (atLineStart && (end >= text.length || text[end] === '\n' || text[end] === '\r')) {
    if (text[end] === '\r' && text[end + 1] === '\n') end += 2;
    else if (end < text.length) end += 1;
    return { start: before, end, text: '' };
  }
  return { start: statement.startIndex, end: statement.endIndex, text: 'pass' };
}

/** `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) with `body` as its only branch. */
function isTypeCheckingGuard(node: SyntaxNode, body: SyntaxNode): boolean {
  if (node.type !== 'if_statement' || node.childForFieldName('consequence')?.id !== body.id) return false;
  if (node.childrenForFieldName('alternative').some((c) => c !== null)) return false;
  const condition = node.childForFieldName('condition');
  if (!condition) return false;
  if (condition.type === 'identifier') return condition.text === 'TYPE_CHECKING';
  if (condition.type !== 'attribute') return false;
  const object = condition.childForFieldName('object');
  return condition.childForFieldName('attribute')?.text === 'TYPE_CHECKING' && object?.type === 'identifier' && (object.text === 'typing' || object.text === 't');
}

/**
 * Where new imports go: at the first of the statements that sits directly in
 * the scope's body; when all are nested in blocks (`if TYPE_CHECKING:`,
 * `try:`), at the first one if they share their block, else at the first one
 * of each block — never only inside a block that some of the replaced
 * imports were outside of.
 */
export function anchorsOf(statements: readonly SyntaxNode[], scope: Scope): SyntaxNode[] {
  const sorted = [...statements].sort((a, b) => a.startIndex - b.startIndex);
  const topLevel = sorted.find((st) => isTopLevelIn(st, scope));
  if (topLevel) return [topLevel];
  const firstPerBlock = new Map<number, SyntaxNode>();
  for (const st of sorted) if (!firstPerBlock.has(st.parent?.id ?? -1)) firstPerBlock.set(st.parent?.id ?? -1, st);
  return [...firstPerBlock.values()];
}

/** A statement directly in the scope's body (not nested in `if`/`try`/`with`/loops). */
export function isTopLevelIn(statement: SyntaxNode, scope: Scope): boolean {
  const parent = statement.parent;
  return parent?.id === scope.node.id || (parent?.type === 'block' && parent.parent?.id === scope.node.id);
}
