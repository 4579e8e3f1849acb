/**
 * The modules one Python file's import statements may load — the file's
 * edges of the import graph — read from its raw bytes without tree-sitter.
 *
 * The graph must cover every file of the tree, while a scan parses only the
 * few that can hold a finding, so this step has to cost far less than a
 * parse. It never looks at most of a file: it jumps with native searches
 * from one quote or `#` to the next (a string or a comment) up to the last
 * occurrence of the word `import`, and reads only the import statements it
 * meets in code. Context — inside a function or class body, under
 * `if TYPE_CHECKING:` — comes from indentation, read backwards from an
 * indented statement to its block openers, the way Python's own tokenizer
 * defines blocks.
 *
 * It answers null whenever it is unsure (an unterminated string, an
 * f-string it does not model, a statement it cannot read, non-ASCII names):
 * the caller then parses the file with tree-sitter (`parseModuleImports`,
 * the reference the lexer is tested against). A TYPE_CHECKING mark drops
 * an edge from test selection, so it is set only on an exact `if
 * TYPE_CHECKING:` (or `typing.` / `t.` prefixed) opener; when the walk
 * meets anything it cannot classify, the import counts as run-time.
 */
import type { ModuleEdge } from '../../model/importGraph.js';
import { getParser, type WasmNode } from '../../parsing/treeSitter.js';
import { PYTHON_GRAMMAR } from './grammar.js';
import { CLASS, C_IDENT, C_NEWLINE, C_SPACE, prefixFlags } from './importPrefilter.js';
import { moduleContextOf, resolveRelativeModule, type ModuleContext } from './moduleNames.js';
import { blankCommentLines } from './commentLines.js';

const QUOTE1 = 39;
const QUOTE2 = 34;
const HASH = 35;
const LF = 10;
const CR = 13;
const BACKSLASH = 92;
const DOT = 46;
const COMMA = 44;
const LPAR = 40;
const RPAR = 41;
const STAR = 42;
const SEMI = 59;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const IMPORT = Buffer.from('import', 'latin1');

class Doubt extends Error {}
const DOUBT = new Doubt();

/** What an import's context is: run-time at module level, inside a function or class body, or only for type checkers. */
interface Context {
  nested: boolean;
  typeChecking: boolean;
}

/** Collects edges, merging repeated imports of a module (a run-time import beats a TYPE_CHECKING one; a top-level one beats a nested one). */
class EdgeSet {
  private readonly byModule = new Map<string, Context>();

  add(module: string, context: Context): void {
    const known = this.byModule.get(module);
    if (!known) {
      this.byModule.set(module, { ...context });
      return;
    }
    if (known.typeChecking && !context.typeChecking) {
      known.typeChecking = false;
      known.nested = context.nested;
    } else if (known.typeChecking === context.typeChecking) {
      known.nested &&= context.nested;
    }
  }

  /** `a.b.c` loads `a`, `a.b` and `a.b.c` (packages run their `__init__` first). */
  addWithParents(dotted: string, context: Context): void {
    let dot = dotted.indexOf('.');
    while (dot >= 0) {
      this.add(dotted.slice(0, dot), context);
      dot = dotted.indexOf('.', dot + 1);
    }
    this.add(dotted, context);
  }

  edges(): ModuleEdge[] {
    return [...this.byModule].map(([module, c]) => ({ module, nested: c.nested, typeChecking: c.typeChecking })).sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  }
}

const TOP: Context = { nested: false, typeChecking: false };

/** Loading a module loads its parent packages first: the file's own ones are edges too. */
function addOwnPackages(edges: EdgeSet, context: ModuleContext): void {
  if (context.package) edges.addWithParents(context.package, TOP);
}

/**
 * The modules `bytes` (a Python file's raw, valid UTF-8 bytes at `rel`) may
 * load, or null when only a parse can tell.
 */
export function lexModuleImports(bytes: Buffer, rel: string, sourceRoots: readonly string[]): ModuleEdge[] | null {
  const context = moduleContextOf(rel, sourceRoots);
  const edges = new EdgeSet();
  addOwnPackages(edges, context);
  try {
    new ImportScanner(bytes, context, edges).run();
  } catch (error) {
    if (error === DOUBT) return null;
    throw error;
  }
  return edges.edges();
}

type Token = number | 'name' | 'end';

class ImportScanner {
  private readonly n: number;
  private readonly hasCR: boolean;
  /** Everything before `pos` has been read: it is code, a string or a comment, and `pos` is in code. */
  private pos = 0;
  private nextQuote1 = -1;
  private nextQuote2 = -1;
  private nextHash = -1;
  private nextBackslash = -1;
  /** [start, end) pairs of every string and comment read, in order: what is not code (for indentation and brackets). */
  private readonly spans: number[] = [];
  // token reader state for one statement
  private tokenPos = 0;
  private tokenStart = 0;
  private parens = false;
  private lookahead: Token = 'end';

  constructor(
    private readonly b: Buffer,
    private readonly context: ModuleContext,
    private readonly edges: EdgeSet,
  ) {
    this.n = b.length;
    this.hasCR = b.indexOf(CR) >= 0;
  }

  run(): void {
    const { b } = this;
    // The statements are where `import` stands as a word at a statement's
    // place (line start, after `from M`, `;` or `:`); a mention in prose
    // (`"cannot import x"`, `# import x`) cannot be one, string or not. Only
    // up to the last plausible one must strings and comments be read.
    for (let at = b.indexOf(IMPORT, 0); at >= 0; at = b.indexOf(IMPORT, Math.max(at + 6, this.pos))) {
      if (!this.plausibleKeyword(at)) continue;
      if (!this.advanceTo(at)) continue; // inside a string or a comment
      this.statement(at);
      this.pos = Math.max(this.pos, this.tokenPos);
    }
  }

  /** `import` at `at` is a word, and only a statement's start, `from <module>`, blanks or continuations stand before it on its logical line. */
  private plausibleKeyword(at: number): boolean {
    const { b } = this;
    if ((at > 0 && isNameByte(b[at - 1]!)) || (at + 6 < this.n && isNameByte(b[at + 6]!))) return false; // `__import__`, `importlib`
    const j = this.backOverModulePart(at);
    if (j >= 0) {
      const c = b[j]!;
      if (c !== LF && c !== CR && c !== SEMI && c !== COLON) return false;
    }
    const s = this.firstAfterBlanks(j + 1, at);
    return s === at || (b[s] === 102 && b[s + 1] === 114 && b[s + 2] === 111 && b[s + 3] === 109 && !isNameByte(b[s + 4] ?? 0));
  }

  // -- skipping strings and comments, with native searches between them --------

  /** Reads strings and comments up to `target`; false when `target` lies inside one of them. */
  private advanceTo(target: number): boolean {
    const { b } = this;
    for (;;) {
      if (this.nextQuote1 !== this.n && this.nextQuote1 < this.pos) this.nextQuote1 = orEnd(b.indexOf(QUOTE1, this.pos), this.n);
      if (this.nextQuote2 !== this.n && this.nextQuote2 < this.pos) this.nextQuote2 = orEnd(b.indexOf(QUOTE2, this.pos), this.n);
      if (this.nextHash !== this.n && this.nextHash < this.pos) this.nextHash = orEnd(b.indexOf(HASH, this.pos), this.n);
      const event = Math.min(this.nextQuote1, this.nextQuote2, this.nextHash);
      if (event >= target) return true;
      if (b[event] === HASH) {
        this.pos = this.lineEnd(event);
        this.spans.push(event, this.pos);
      } else this.pos = this.stringEnd(event);
      if (this.pos > target) return false;
    }
  }

  private lineEnd(i: number): number {
    const { b, n } = this;
    if (!this.hasCR) return orEnd(b.indexOf(LF, i), n);
    while (i < n && b[i] !== LF && b[i] !== CR) i++;
    return i;
  }

  /** Offset just past the string literal whose opening quote is at `q`. */
  private stringEnd(q: number): number {
    const { b } = this;
    let k = q;
    while (k > 0 && isNameByte(b[k - 1]!)) k--;
    let interpolating = false;
    if (k < q && !KEYWORDS_BEFORE_STRINGS.has(b.toString('latin1', k, q))) {
      const flags = prefixFlags(b, k, q);
      if (flags === 0) throw DOUBT; // a name glued to a quote: not Python we read
      interpolating = (flags & 2) !== 0;
    }
    const quote = b[q]!;
    const triple = b[q + 1] === quote && b[q + 2] === quote;
    const bodyStart = q + (triple ? 3 : 1);
    const close = interpolating ? this.interpolatedClose(bodyStart, quote, triple) : this.plainClose(bodyStart, quote, triple);
    const end = close + (triple ? 3 : 1);
    this.spans.push(q, end);
    return end;
  }

  /** The closing quote of a string without interpolation (native searches between escapes). */
  private plainClose(from: number, quote: number, triple: boolean): number {
    const { b, n } = this;
    let k = from;
    let lineBreak = -2;
    for (;;) {
      const q = b.indexOf(quote, k);
      if (q < 0) throw DOUBT; // unterminated
      const backslash = this.backslashAt(k);
      if (backslash < q) {
        // the byte after a backslash (a CR LF pair counts as one) never closes the string
        k = backslash + (b[backslash + 1] === CR && b[backslash + 2] === LF ? 3 : 2);
        continue;
      }
      if (!triple) {
        if (lineBreak !== -1 && lineBreak < k) lineBreak = this.nextLineBreak(k);
        if (lineBreak >= 0 && lineBreak < q) throw DOUBT; // unterminated single-quoted string
        return q;
      }
      if (q + 2 < n && b[q + 1] === quote && b[q + 2] === quote) return q;
      k = q + 1;
    }
  }

  /** The next backslash at or after `from` (n when none), remembered across strings: most files have few. */
  private backslashAt(from: number): number {
    if (this.nextBackslash < from) this.nextBackslash = orEnd(this.b.indexOf(BACKSLASH, from), this.n);
    return this.nextBackslash;
  }

  private nextLineBreak(from: number): number {
    const { b } = this;
    const lf = b.indexOf(LF, from);
    if (!this.hasCR) return lf;
    const cr = b.indexOf(CR, from);
    return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
  }

  /** The closing quote of an f/t-string: `{…}` holds code, which may hold strings of the other quotes. */
  private interpolatedClose(from: number, quote: number, triple: boolean): number {
    const { b, n } = this;
    let k = from;
    let depth = 0;
    for (;;) {
      if (k >= n) throw DOUBT;
      const c = b[k]!;
      if (c === BACKSLASH) {
        k += b[k + 1] === CR && b[k + 2] === LF ? 3 : 2;
        continue;
      }
      if (c === quote) {
        if (depth > 0) throw DOUBT; // PEP 701 nested same quotes: leave it to the parser
        if (!triple) return k;
        if (b[k + 1] === quote && b[k + 2] === quote) return k;
        k++;
        continue;
      }
      if ((c === LF || c === CR) && !triple && depth === 0) throw DOUBT;
      if (c === LBRACE) {
        if (depth === 0 && b[k + 1] === LBRACE) k += 2;
        else {
          depth++;
          k++;
        }
        continue;
      }
      if (c === RBRACE) {
        if (depth > 0) depth--;
        k++;
        continue;
      }
      if (depth > 0 && (c === QUOTE1 || c === QUOTE2)) {
        let m = k + 1;
        while (m < n && b[m] !== c) {
          if (b[m] === quote || b[m] === LF || b[m] === CR) throw DOUBT;
          m += b[m] === BACKSLASH ? 2 : 1;
        }
        if (m >= n) throw DOUBT;
        k = m + 1;
        continue;
      }
      if (depth > 0 && c === HASH) throw DOUBT;
      k++;
    }
  }

  // -- one import statement ----------------------------------------------------

  /** Reads the statement whose `import` keyword is at `at` (in code) and adds its edges. */
  private statement(at: number): void {
    const start = this.statementStart(at);
    const context = this.contextOf(start);
    if (start === at) this.importNames(at + 6, context);
    else this.fromImport(start + 4, at, context);
  }

  /** Where the statement holding the keyword at `at` begins: at `from` for `from M import …`, else at `import`. */
  private statementStart(at: number): number {
    const s = this.firstAfterBlanks(this.backOverModulePart(at) + 1, at);
    return s; // plausibleKeyword checked that it is `at` or `from`
  }

  /** Back from `at` over names, dots, blanks and line continuations (the module part of `from <dots><module> import`): the offset of the byte that stops it, or -1. */
  private backOverModulePart(at: number): number {
    const { b } = this;
    let j = at - 1;
    while (j >= 0) {
      const c = b[j]!;
      if (isNameByte(c) || c === DOT || CLASS[c] === C_SPACE) j--;
      else if (c === LF && j > 0 && b[j - 1] === BACKSLASH) j -= 2;
      else if (c === LF && j > 1 && b[j - 1] === CR && b[j - 2] === BACKSLASH) j -= 3;
      else if (c === CR && j > 0 && b[j - 1] === BACKSLASH) j -= 2;
      else break;
    }
    return j;
  }

  /** The first offset in [from, to) that is not a blank or a line continuation (`to` when none). */
  private firstAfterBlanks(from: number, to: number): number {
    const { b } = this;
    let s = from;
    while (s < to && (CLASS[b[s]!] === C_SPACE || b[s] === BACKSLASH || CLASS[b[s]!] === C_NEWLINE)) s++;
    return s;
  }

  /** `import a.b [as c], …` after the keyword. */
  private importNames(afterKeyword: number, context: Context): void {
    this.tokenPos = afterKeyword;
    this.parens = false;
    for (;;) {
      if (this.token() !== 'name') throw DOUBT;
      const path = this.dotted();
      let t = this.lookahead;
      if (t === 'name' && this.name() === 'as') {
        if (this.token() !== 'name') throw DOUBT;
        t = this.token();
      }
      this.edges.addWithParents(path, context);
      if (t === COMMA) continue;
      if (t === 'end') return;
      throw DOUBT;
    }
  }

  /** `from [.]*module import names` from just after `from`; `keyword` is where `import` stands. */
  private fromImport(afterFrom: number, keyword: number, context: Context): void {
    this.tokenPos = afterFrom;
    this.parens = false;
    let level = 0;
    let t = this.token();
    while (t === DOT) {
      level++;
      t = this.token();
    }
    let moduleText: string | null = null;
    if (t === 'name' && this.tokenStart !== keyword) {
      moduleText = this.dotted();
      t = this.lookahead;
    }
    if (t !== 'name' || this.tokenStart !== keyword) throw DOUBT;
    if (level === 0 && moduleText === null) throw DOUBT;
    // a relative import that climbs above the top (or from a file under no source root) loads nothing we know
    const module = level === 0 ? moduleText : resolveRelativeModule(this.context, level, moduleText);
    const names: string[] = [];
    t = this.token();
    if (t === STAR) {
      if (this.token() !== 'end') throw DOUBT;
    } else {
      if (t === LPAR) {
        this.parens = true;
        t = this.token();
      }
      for (;;) {
        if (t === RPAR && this.parens) {
          this.parens = false;
          if (this.token() !== 'end') throw DOUBT;
          break;
        }
        if (t !== 'name') throw DOUBT;
        names.push(this.name());
        t = this.token();
        if (t === 'name' && this.name() === 'as') {
          if (this.token() !== 'name') throw DOUBT;
          t = this.token();
        }
        if (t === COMMA) {
          t = this.token();
          if (!this.parens && t === 'end') throw DOUBT; // `from m import a,` is a syntax error
          continue;
        }
        if (t === RPAR && this.parens) continue;
        if (t === 'end' && !this.parens) break;
        throw DOUBT;
      }
    }
    if (module === null) return;
    this.edges.addWithParents(module, context);
    for (const name of names) this.edges.add(`${module}.${name}`, context);
  }

  /** Next token of an import statement: a byte, a name (tokenStart..tokenPos), or the statement's end. */
  private token(): Token {
    const { b, n } = this;
    for (;;) {
      if (this.tokenPos >= n) return 'end';
      const c = b[this.tokenPos]!;
      const cls = CLASS[c]!;
      if (cls === C_SPACE) {
        this.tokenPos++;
      } else if (c === BACKSLASH) {
        const next = b[this.tokenPos + 1];
        if (next === LF) this.tokenPos += 2;
        else if (next === CR) this.tokenPos += b[this.tokenPos + 2] === LF ? 3 : 2;
        else throw DOUBT;
      } else if (cls === C_NEWLINE) {
        if (!this.parens) return 'end';
        this.tokenPos++;
      } else if (c === HASH) {
        if (!this.parens) return 'end';
        const comment = this.tokenPos;
        this.tokenPos = this.lineEnd(this.tokenPos);
        if (comment >= this.pos) this.spans.push(comment, this.tokenPos); // inside a statement's parentheses
      } else if (cls === C_IDENT) {
        this.tokenStart = this.tokenPos;
        let j = this.tokenPos + 1;
        while (j < n && CLASS[b[j]!] === C_IDENT) j++;
        if (j < n && b[j]! >= 0x80) throw DOUBT; // a non-ASCII name: let the parser read it
        this.tokenPos = j;
        if (b[this.tokenStart]! <= 57) throw DOUBT; // a number where a name belongs
        return 'name';
      } else if (c === SEMI) {
        return 'end';
      } else if (c >= 0x80) {
        throw DOUBT;
      } else {
        this.tokenPos++;
        return c;
      }
    }
  }

  private name(): string {
    return this.b.toString('latin1', this.tokenStart, this.tokenPos);
  }

  /** `NAME (. NAME)*` starting with the name just read; leaves the next token in `lookahead`. */
  private dotted(): string {
    let text = this.name();
    for (;;) {
      const t = this.token();
      if (t !== DOT) {
        this.lookahead = t;
        return text;
      }
      if (this.token() !== 'name') throw DOUBT;
      text += `.${this.name()}`;
    }
  }

  // -- context from indentation ------------------------------------------------

  /**
   * Whether the statement starting at `start` runs inside a function or class
   * body, and whether only type checkers see it: the block openers above it,
   * found by indentation.
   */
  private contextOf(start: number): Context {
    const { b } = this;
    const context: Context = { nested: false, typeChecking: false };
    const lineStart = this.lineStartOf(start);
    const logical = this.logicalLineStart(lineStart, start);
    if (logical < 0) return context; // not a place indentation tells anything about
    let first = this.firstNonBlank(logical);
    // a header on the same line: `if TYPE_CHECKING: import x`, `def f(): import x`
    if (logical === lineStart && first < start) this.classifyOpener(first, context);
    let indent = this.indentation(logical, first);
    let line = logical;
    while (indent > 0) {
      const opener = this.openerAbove(line, indent);
      if (opener < 0) break;
      first = this.firstNonBlank(opener);
      if (!this.classifyOpener(first, context)) break;
      indent = this.indentation(opener, first);
      line = opener;
    }
    return context;
  }

  /**
   * The start of the nearest logical line above `line` indented less than
   * `indent`: blank lines, comments and lines inside strings or brackets do
   * not count. -1 when there is none (or it cannot be told).
   */
  private openerAbove(line: number, indent: number): number {
    let end = line;
    while (end > 0) {
      const start = this.lineStartOf(this.lineBreakBefore(end));
      end = start;
      if (this.insideSpan(start)) continue; // inside a string
      const first = this.firstNonBlank(start);
      const c = this.b[first];
      if (first >= this.n || c === LF || c === CR || c === HASH) continue; // blank or comment-only
      const logical = this.logicalLineStart(start, this.lineEndOf(start));
      if (logical < 0) return -1;
      end = logical;
      if (this.indentation(logical, this.firstNonBlank(logical)) < indent) return logical;
    }
    return -1;
  }

  /**
   * The first physical line of the logical line holding [lineStart, until):
   * up while brackets are open or the line above ends in a backslash. -1
   * when it runs off the top unbalanced.
   */
  private logicalLineStart(lineStart: number, until: number): number {
    let start = lineStart;
    let depth = this.bracketBalance(start, until);
    for (;;) {
      const continued = start > 0 && this.endsWithBackslash(start);
      if (depth <= 0 && !continued && !this.insideSpan(start)) return start;
      if (start === 0) return -1;
      const above = this.lineStartOf(this.lineBreakBefore(start));
      depth += this.bracketBalance(above, start);
      start = above;
    }
  }

  /** Closing minus opening brackets in the code of [from, to) (strings and comments skipped). */
  private bracketBalance(from: number, to: number): number {
    const { b, spans } = this;
    let balance = 0;
    let span = this.firstSpanEndingAfter(from);
    for (let k = from; k < to; k++) {
      while (span < spans.length && spans[span + 1]! <= k) span += 2;
      if (span < spans.length && spans[span]! <= k) {
        k = spans[span + 1]! - 1;
        continue;
      }
      const c = b[k];
      if (c === LPAR || c === 91 || c === LBRACE) balance--;
      else if (c === RPAR || c === 93 || c === RBRACE) balance++;
    }
    return balance;
  }

  /** The line break ending the line just above the one starting at `lineStart`. */
  private lineBreakBefore(lineStart: number): number {
    const { b } = this;
    let k = lineStart - 1;
    if (b[k] === LF && k > 0 && b[k - 1] === CR) k--;
    return k;
  }

  /** The line above the one starting at `lineStart` ends in a backslash that is code (a line continuation). */
  private endsWithBackslash(lineStart: number): boolean {
    const k = this.lineBreakBefore(lineStart) - 1;
    return k >= 0 && this.b[k] === BACKSLASH && !this.insideSpan(k);
  }

  /**
   * Marks what the block opener whose first token is at `first` means for
   * the statements inside it. False when the line is not an opener ssot
   * knows (the walk stops: nothing more is claimed).
   */
  private classifyOpener(first: number, context: Context): boolean {
    try {
      return this.classifyOpenerTokens(first, context);
    } catch (error) {
      if (error === DOUBT) return false;
      throw error;
    }
  }

  private classifyOpenerTokens(first: number, context: Context): boolean {
    this.tokenPos = first;
    this.parens = false;
    let t = this.token();
    if (t !== 'name') return false;
    let word = this.name();
    if (word === 'async') {
      t = this.token();
      if (t !== 'name') return false;
      word = this.name();
    }
    if (word === 'def' || word === 'class') {
      context.nested = true;
      return true;
    }
    if ((word === 'if' || word === 'elif') && this.isTypeCheckingCondition()) {
      context.typeChecking = true;
      return true;
    }
    return BLOCK_KEYWORDS.has(word);
  }

  /** After `if`/`elif`: exactly `TYPE_CHECKING:` (or `typing.` / `t.` before it), then a line end, a comment or a statement. */
  private isTypeCheckingCondition(): boolean {
    try {
      return this.typeCheckingTokens();
    } catch (error) {
      if (error === DOUBT) return false; // some other condition (a number, a non-ASCII name)
      throw error;
    }
  }

  private typeCheckingTokens(): boolean {
    if (this.token() !== 'name') return false;
    let name = this.name();
    let t = this.token();
    if (t === DOT && (name === 'typing' || name === 't')) {
      if (this.token() !== 'name') return false;
      name = this.name();
      t = this.token();
    }
    return name === 'TYPE_CHECKING' && t === COLON;
  }

  /** Offset of the first byte of the physical line holding `i`. */
  private lineStartOf(i: number): number {
    const { b } = this;
    let k = i - 1;
    while (k >= 0 && b[k] !== LF && b[k] !== CR) k--;
    return k + 1;
  }

  private lineEndOf(i: number): number {
    return this.lineEnd(i);
  }

  private firstNonBlank(lineStart: number): number {
    let k = lineStart;
    while (k < this.n && CLASS[this.b[k]!] === C_SPACE) k++;
    return k;
  }

  /** Width of the blanks in [from, to), tabs to the next multiple of 8 as Python's tokenizer counts them. */
  private indentation(from: number, to: number): number {
    let w = 0;
    for (let k = from; k < to; k++) {
      const c = this.b[k];
      if (c === 9) w = (Math.floor(w / 8) + 1) * 8;
      else if (c === 32) w++;
      else w = 0; // a form feed resets the count
    }
    return w;
  }

  /** Index (even) of the first span ending after `offset`. */
  private firstSpanEndingAfter(offset: number): number {
    const { spans } = this;
    let lo = 0;
    let hi = spans.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (spans[2 * mid + 1]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return 2 * lo;
  }

  /** `offset` lies strictly inside a string or comment (not at its first byte). */
  private insideSpan(offset: number): boolean {
    const span = this.firstSpanEndingAfter(offset);
    return span < this.spans.length && this.spans[span]! < offset;
  }
}

/** Keywords a string literal may follow without a blank (`x in"abc"`): not string prefixes. */
const KEYWORDS_BEFORE_STRINGS = new Set(['in', 'not', 'and', 'or', 'is', 'if', 'else', 'elif', 'return', 'yield', 'lambda', 'await', 'assert', 'del', 'while', 'for', 'with', 'as', 'from', 'import', 'raise', 'case', 'match', 'print', 'exec']);

/** Compound statements whose body an import may sit in without changing when it runs (module load, or the enclosing function's call). */
const BLOCK_KEYWORDS = new Set(['if', 'elif', 'else', 'try', 'except', 'finally', 'with', 'for', 'while', 'match', 'case']);

function isNameByte(c: number): boolean {
  return CLASS[c] === C_IDENT || c >= 0x80;
}

function orEnd(index: number, n: number): number {
  return index < 0 ? n : index;
}

/**
 * The same answer from a tree-sitter parse: the reference the lexer is
 * checked against, and what a file gets when the lexer is unsure.
 */
export async function parseModuleImports(text: string, rel: string, sourceRoots: readonly string[]): Promise<ModuleEdge[]> {
  const context = moduleContextOf(rel, sourceRoots);
  const edges = new EdgeSet();
  addOwnPackages(edges, context);
  const parser = await getParser(PYTHON_GRAMMAR);
  const tree = parser.parse(blankCommentLines(text));
  if (!tree) throw new Error(`tree-sitter returned no tree for ${rel}`);
  try {
    // an explicit stack, in document order: nesting depth is the input's to choose
    const nodes: (WasmNode | null)[] = [];
    const parents: WasmNode[] = [];
    const contexts: Context[] = [];
    const push = (node: WasmNode, outer: Context) => {
      const children = node.namedChildren;
      for (let i = children.length - 1; i >= 0; i--) {
        nodes.push(children[i]!);
        parents.push(node);
        contexts.push(outer);
      }
    };
    push(tree.rootNode, TOP);
    while (nodes.length > 0) {
      const child = nodes.pop();
      const node = parents.pop()!;
      const outer = contexts.pop()!;
      if (!child) continue;
      if (child.type === 'import_statement') addImportStatement(child, outer, edges);
      else if (child.type === 'import_from_statement' || child.type === 'future_import_statement') addFromStatement(child, outer, context, edges);
      else push(child, innerContext(child, node, outer));
    }
  } finally {
    tree.delete();
  }
  return edges.edges();
}

/** The context the statements under `node` (a child of `parent`) run in. */
function innerContext(node: WasmNode, parent: WasmNode, outer: Context): Context {
  if (node.type === 'function_definition' || node.type === 'class_definition') return { ...outer, nested: true };
  // the block of `if TYPE_CHECKING:` / `elif TYPE_CHECKING:` (not its else)
  if (node.type === 'block' && (parent.type === 'if_statement' || parent.type === 'elif_clause')) {
    const condition = parent.childForFieldName('condition');
    if (condition && parent.childForFieldName('consequence')?.id === node.id && /^(typing\.|t\.)?TYPE_CHECKING$/.test(condition.text.replace(/\s+/g, ''))) {
      return { ...outer, typeChecking: true };
    }
  }
  return outer;
}

function dottedOf(node: WasmNode | null): string | null {
  if (!node) return null;
  if (node.type === 'dotted_name') return node.namedChildren.map((c) => c?.text ?? '').join('.');
  if (node.type === 'aliased_import') return dottedOf(node.childForFieldName('name'));
  return null;
}

function addImportStatement(node: WasmNode, context: Context, edges: EdgeSet): void {
  for (const name of node.childrenForFieldName('name')) {
    const dotted = dottedOf(name);
    if (dotted) edges.addWithParents(dotted, context);
  }
}

function addFromStatement(node: WasmNode, context: Context, moduleContext: ModuleContext, edges: EdgeSet): void {
  const moduleNode = node.childForFieldName('module_name');
  let module: string | null = null;
  if (node.type === 'future_import_statement') {
    module = '__future__';
  } else if (moduleNode?.type === 'relative_import') {
    const prefix = moduleNode.namedChildren.find((c) => c?.type === 'import_prefix');
    const level = prefix ? prefix.text.replace(/\s+/g, '').length : 0;
    const rest = dottedOf(moduleNode.namedChildren.find((c) => c?.type === 'dotted_name') ?? null);
    module = resolveRelativeModule(moduleContext, level, rest);
  } else {
    module = dottedOf(moduleNode);
  }
  if (module === null) return;
  edges.addWithParents(module, context);
  for (const name of node.childrenForFieldName('name')) {
    const dotted = dottedOf(name);
    if (dotted) edges.add(`${module}.${dotted}`, context);
  }
}
