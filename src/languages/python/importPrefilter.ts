/**
 * The cheap second stage of the scan: on the raw bytes of a file that
 * contains a needle, decide without tree-sitter whether the file can hold a
 * finding at all. It lexes Python just enough to know what is code (strings,
 * comments and docstrings are not), reads every import statement, and
 * answers `false` only when, for every ban:
 *
 *  - no import binds a path at or under the ban (no import finding, hence no
 *    usage or rebinding finding either);
 *  - no import binds a proper prefix of the ban (`import os`, `from a.b
 *    import M` for `a.b.M.N`) — or, if one does, no attribute chain in code
 *    or in a string that could be an annotation spells the rest of the ban
 *    from the local name (`os.path.join`, `M.N`; the analyzer reads
 *    `"t.Optional[X]"` as code; statement-level strings such as docstrings
 *    never are annotations);
 *  - no star import names a module related to the ban;
 *  - no string literal's value is the ban's last segment while an import
 *    binds the ban's module (`patch.object(M, "N")`, `getattr(M, "N")`);
 *  - no string literal's value is at or under the ban, and no literal that
 *    could begin one is followed by another (`"a.b." "M.N"` is one value).
 *
 * It never decides `false` on doubt: an unterminated string, an import
 * statement it cannot read, a relative import it cannot resolve — all answer
 * `true`, and the full parse decides. It mirrors what
 * analyze.ts/scopes.ts can report; a change there that reports a new kind
 * of finding must be reflected here (test/scan/importPrefilter.test.ts
 * checks the two agree on a corpus of edge cases).
 */
import type { Ban } from '../../model/finding.js';
import { isAtOrUnder } from '../../model/finding.js';
import { moduleContextOf, resolveRelativeModule, type ModuleContext } from './moduleNames.js';

/** Per ban set, computed once: byte forms of every ban path and its last segment. */
export interface PrefilterPlan {
  readonly paths: readonly string[];
  readonly pathBytes: readonly Buffer[];
  /** Last dotted segment of each ban path, as bytes (the name an attribute chain ends in). */
  readonly segments: readonly Buffer[];
  readonly minPathLength: number;
}

export function planPrefilter(bans: readonly Ban[]): PrefilterPlan {
  const paths = [...new Set(bans.map((b) => b.path))];
  const pathBytes = paths.map((p) => Buffer.from(p, 'utf8'));
  return {
    paths,
    pathBytes,
    segments: paths.map((p) => Buffer.from(p.slice(p.lastIndexOf('.') + 1), 'utf8')),
    minPathLength: Math.min(...pathBytes.map((b) => b.length)),
  };
}

// byte classes (shared with ./moduleImports.ts)
const C_OTHER = 0;
export const C_IDENT = 1; // [A-Za-z0-9_]
const C_QUOTE = 2;
const C_HASH = 3;
export const C_NEWLINE = 4;
export const C_SPACE = 5; // space, tab, form feed
const C_BACKSLASH = 6;
export const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) CLASS[c] = C_IDENT;
}
CLASS[34] = C_QUOTE;
CLASS[39] = C_QUOTE;
CLASS[35] = C_HASH;
CLASS[10] = C_NEWLINE;
CLASS[13] = C_NEWLINE;
CLASS[32] = C_SPACE;
CLASS[9] = C_SPACE;
CLASS[12] = C_SPACE;
CLASS[92] = C_BACKSLASH;

const BACKSLASH = 92;
const DOT = 46;
const COMMA = 44;
const LPAR = 40;
const RPAR = 41;
const STAR = 42;
const SEMI = 59;
const LBRACE = 123;
const RBRACE = 125;

/** A token of an import statement: a punctuation byte, a name, a number, or the end of the statement. */
type Token = number | 'name' | 'number' | 'end';

/** Thrown inside the lexer when it cannot be sure; caught once, answers `true`. */
class Doubt extends Error {}
const DOUBT = new Doubt();

/** Letters a string prefix may consist of (r, u, b, f, t in either case). */
export function prefixFlags(bytes: Buffer, start: number, end: number): number {
  // 1 = valid prefix, 2 = interpolating (f/t)
  if (end - start > 3) return 0;
  let flags = 1;
  for (let i = start; i < end; i++) {
    switch (bytes[i]! | 0x20) {
      case 114: // r
      case 117: // u
      case 98: // b
        break;
      case 102: // f
      case 116: // t
        flags |= 2;
        break;
      default:
        return 0;
    }
  }
  return flags;
}

/**
 * False when the file provably holds no finding for the bans of `plan`;
 * true when it may (then parse it). `bytes` are the raw file (valid UTF-8).
 */
export function mayHaveFindings(bytes: Buffer, rel: string, sourceRoots: readonly string[], plan: PrefilterPlan): boolean {
  try {
    return new PrefilterLexer(bytes, rel, sourceRoots, plan).run();
  } catch (error) {
    if (error === DOUBT) return true;
    throw error;
  }
}

class PrefilterLexer {
  private readonly n: number;
  /** `local.rest` texts an attribute chain must spell to reach a ban through an import of a prefix (`os` + `path.join`). */
  private readonly chainsNeeded: string[] = [];
  /** Last segments a two-part reference would name in a string (`patch.object(M, "N")` through an import of `M`). */
  private readonly namesNeeded: string[] = [];
  /** String values met that equal a ban's last segment. */
  private readonly namesSeen = new Set<string>();
  /** Dotted chains met in code (or in strings that could be annotations) that contain a ban's last segment, whitespace removed. */
  private readonly chainsSeen: string[] = [];
  /** A chain with a comment inside: its text is not known, so it matches anything. */
  private anyChain = false;
  // the chain being read: [chainStart, chainEnd), its dots, whether a name in it is a ban's last segment
  private chainStart = -1;
  private chainEnd = 0;
  private chainDots = 0;
  private chainHit = false;
  private expectName = false;
  /** Bit k set: some segment is k bytes long (a cheap first test for every name). */
  private readonly segmentLengths: number;
  /** The file has a carriage return (then line ends are found byte by byte). */
  private readonly hasCR: boolean;
  private context: ModuleContext | undefined;

  constructor(
    private readonly b: Buffer,
    private readonly rel: string,
    private readonly sourceRoots: readonly string[],
    private readonly plan: PrefilterPlan,
  ) {
    this.n = b.length;
    let lengths = 0;
    for (const s of plan.segments) lengths |= s.length < 31 ? 1 << s.length : 1 << 31;
    this.segmentLengths = lengths;
    this.hasCR = b.indexOf(13) >= 0;
  }

  run(): boolean {
    const { b, n } = this;
    let i = 0;
    // enough of the logical-line structure to know a statement-level string (a docstring) from one inside an expression
    let depth = 0;
    let bracketsBroken = false;
    let lineStart = true;
    while (i < n) {
      const c = b[i]!;
      const cls = CLASS[c]!;
      if (cls === C_IDENT) {
        let j = i + 1;
        while (j < n && CLASS[b[j]!] === C_IDENT) j++;
        const next = j < n ? b[j]! : 0;
        const length = j - i;
        if (next === 34 || next === 39) {
          const flags = prefixFlags(b, i, j);
          if (flags !== 0) {
            this.finishChain();
            if (this.string(j, (flags & 2) !== 0, lineStart && depth === 0 && !bracketsBroken)) return true;
            lineStart = false;
            i = this.stringEnd;
            continue;
          }
        }
        lineStart = false;
        if (length === 6 && c === 105 && this.isWord(i, 'import')) {
          this.finishChain();
          if (this.importStatement(j)) return true;
          i = this.statementEnd;
          continue;
        }
        if (length === 4 && c === 102 && this.isWord(i, 'from')) {
          this.finishChain();
          const outcome = this.fromStatement(j);
          if (outcome === true) return true;
          i = outcome === false ? this.statementEnd : j;
          continue;
        }
        this.feedName(i, j);
        i = j;
      } else if (cls === C_QUOTE) {
        this.finishChain();
        if (this.string(i, false, lineStart && depth === 0 && !bracketsBroken)) return true;
        lineStart = false;
        i = this.stringEnd;
      } else if (cls === C_HASH) {
        i = this.lineEnd(i);
      } else if (cls === C_NEWLINE) {
        if (depth === 0) lineStart = true;
        i++;
      } else if (cls === C_SPACE) {
        i++;
      } else if (cls === C_BACKSLASH) {
        // a line continuation; anything else after a backslash outside a string is not Python
        if (b[i + 1] === 10) i += 2;
        else if (b[i + 1] === 13) i += b[i + 2] === 10 ? 3 : 2;
        else throw DOUBT;
      } else if (c === DOT) {
        this.feedDot();
        lineStart = false;
        i++;
      } else {
        this.finishChain();
        if (c === 40 || c === 91 || c === 123) depth++;
        else if (c === 41 || c === 93 || c === 125) {
          if (--depth < 0) {
            depth = 0;
            bracketsBroken = true; // from here on no string counts as statement-level
          }
        } else if (c === SEMI && depth === 0) {
          lineStart = true;
          i++;
          continue;
        }
        lineStart = false;
        i++;
      }
    }
    this.finishChain();
    return this.chainReached();
  }

  /** Some chain met spells `local.rest` of a needed chain (or continues it: `os.path.join.__doc__`). */
  private chainReached(): boolean {
    if (this.namesNeeded.some((name) => this.namesSeen.has(name))) return true;
    if (!this.chainsNeeded.length) return false;
    if (this.anyChain) return true;
    for (const needed of this.chainsNeeded) {
      for (const seen of this.chainsSeen) {
        if (seen === needed || (seen.length > needed.length && seen.startsWith(needed) && seen.charCodeAt(needed.length) === DOT)) return true;
      }
    }
    return false;
  }

  // -- attribute chains (`a.b.c`), read token by token; blanks and comments between tokens do not end one

  private feedName(start: number, end: number): void {
    const length = end - start;
    const hit = ((this.segmentLengths & (length < 31 ? 1 << length : 1 << 31)) !== 0 || this.b[start]! <= 57) && this.isSegment(start, end);
    if (this.chainStart >= 0 && this.expectName) {
      this.chainEnd = end;
      this.expectName = false;
      if (hit) this.chainHit = true;
      return;
    }
    this.finishChain();
    this.chainStart = start;
    this.chainEnd = end;
    this.chainDots = 0;
    this.chainHit = hit;
    this.expectName = false;
  }

  private feedDot(): void {
    if (this.chainStart >= 0 && !this.expectName) {
      this.expectName = true;
      this.chainDots++;
    } else this.finishChain();
  }

  private finishChain(): void {
    if (this.chainStart < 0) return;
    if (this.chainHit && this.chainDots > 0) {
      const { b } = this;
      let text = '';
      for (let k = this.chainStart; k < this.chainEnd; k++) {
        const c = b[k]!;
        if (c === 35) {
          this.anyChain = true; // a comment inside the chain
          break;
        }
        if (CLASS[c] === C_IDENT || c === DOT) text += String.fromCharCode(c);
      }
      this.chainsSeen.push(text);
    }
    this.chainStart = -1;
    this.expectName = false;
  }

  private isWord(at: number, word: string): boolean {
    for (let k = 0; k < word.length; k++) if (this.b[at + k] !== word.charCodeAt(k)) return false;
    return true;
  }

  private lineEnd(i: number): number {
    const { b, n } = this;
    if (!this.hasCR) {
      const nl = b.indexOf(10, i);
      return nl < 0 ? n : nl;
    }
    while (i < n && b[i] !== 10 && b[i] !== 13) i++;
    return i;
  }

  /** The name [start, end) equals a ban's last segment (leading digits ignored, as a lexer that split `1x` would). */
  private isSegment(start: number, end: number): boolean {
    const { b } = this;
    while (start < end && b[start]! <= 57 && b[start]! >= 48) start++;
    const segments = this.plan.segments;
    const length = end - start;
    outer: for (let k = 0; k < segments.length; k++) {
      const s = segments[k]!;
      if (s.length !== length) continue;
      for (let q = 0; q < length; q++) if (b[start + q] !== s[q]) continue outer;
      return true;
    }
    return false;
  }

  // -- strings ---------------------------------------------------------------

  private stringEnd = 0;

  /**
   * Lexes the string whose opening quote is at `q0`; sets stringEnd. Returns
   * true when its value makes the file a candidate (a string reference).
   */
  private string(q0: number, interpolating: boolean, statementLevel: boolean): boolean {
    const { b } = this;
    const quote = b[q0]!;
    const triple = b[q0 + 1] === quote && b[q0 + 2] === quote;
    const bodyStart = q0 + (triple ? 3 : 1);
    const close = interpolating ? this.interpolatedClose(bodyStart, quote, triple) : this.plainClose(bodyStart, quote, triple);
    this.stringEnd = close + (triple ? 3 : 1);
    this.finishChain(); // a chain inside an f-string ends with it
    if (interpolating) return false;
    if (this.valueReachesBan(bodyStart, close)) return true;
    if (this.isSegment(bodyStart, close)) this.namesSeen.add(b.toString('utf8', bodyStart, close));
    // a string annotation ("t.Optional[X]") is code to the analyzer; a statement-level string never is one
    if (!statementLevel) this.noteNamesIn(bodyStart, close);
    // `"a.b." "M.N"` is one literal: a part that could start a banned path, followed by another string
    return this.couldStartBannedPath(bodyStart, close) && this.stringFollows(this.stringEnd);
  }

  /** Reads the attribute chains of a string that could be an annotation (`"t.Optional[X]"`). */
  private noteNamesIn(start: number, end: number): void {
    const { b } = this;
    let i = start;
    while (i < end) {
      const c = b[i]!;
      if (CLASS[c] === C_IDENT) {
        let j = i + 1;
        while (j < end && CLASS[b[j]!] === C_IDENT) j++;
        this.feedName(i, j);
        i = j;
        continue;
      }
      if (c === DOT) this.feedDot();
      else if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) this.finishChain();
      i++;
    }
    this.finishChain();
  }

  /** The value [start, end) is empty or a proper prefix of a ban path. */
  private couldStartBannedPath(start: number, end: number): boolean {
    const length = end - start;
    if (length === 0) return true;
    const { b } = this;
    outer: for (const p of this.plan.pathBytes) {
      if (length >= p.length) continue;
      for (let q = 0; q < length; q++) if (b[start + q] !== p[q]) continue outer;
      return true;
    }
    return false;
  }

  /** Another string literal starts at `from`, after blanks, line breaks, continuations and comments. */
  private stringFollows(from: number): boolean {
    const { b, n } = this;
    let i = from;
    while (i < n) {
      const c = b[i]!;
      const cls = CLASS[c]!;
      if (cls === C_SPACE || cls === C_NEWLINE || cls === C_BACKSLASH) i++;
      else if (cls === C_HASH) i = this.lineEnd(i);
      else if (cls === C_QUOTE) return true;
      else if (cls === C_IDENT) {
        let j = i + 1;
        while (j < n && CLASS[b[j]!] === C_IDENT) j++;
        return (b[j] === 34 || b[j] === 39) && prefixFlags(b, i, j) !== 0;
      } else return false;
    }
    return false;
  }

  /** Offset of the closing quote of a string without interpolation (native searches between escapes). */
  private plainClose(from: number, quote: number, triple: boolean): number {
    const { b, n } = this;
    let k = from;
    let backslash = -2; // next backslash at or after k (-1: none; -2: not searched yet)
    let newline = -2;
    for (;;) {
      const q = b.indexOf(quote, k);
      if (q < 0) throw DOUBT; // unterminated
      if (backslash !== -1 && backslash < k) backslash = b.indexOf(BACKSLASH, k);
      if (backslash >= 0 && backslash < q) {
        // an escape: the byte after the backslash (a CR LF pair counts as one) never closes the string
        k = backslash + (b[backslash + 1] === 13 && b[backslash + 2] === 10 ? 3 : 2);
        continue;
      }
      if (!triple) {
        if (newline !== -1 && newline < k) newline = this.nextLineBreak(k);
        if (newline >= 0 && newline < q) throw DOUBT; // unterminated single-quoted string
        return q;
      }
      if (q + 2 < n && b[q + 1] === quote && b[q + 2] === quote) return q;
      k = q + 1;
    }
  }

  private nextLineBreak(from: number): number {
    const { b } = this;
    const lf = b.indexOf(10, from);
    if (!this.hasCR) return lf;
    const cr = b.indexOf(13, from);
    return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
  }

  /** Offset of the closing quote of an f/t-string; names inside `{…}` are code. */
  private interpolatedClose(from: number, quote: number, triple: boolean): number {
    const { b, n } = this;
    let k = from;
    let depth = 0; // inside `{…}`
    for (;;) {
      if (k >= n) throw DOUBT; // unterminated
      const c = b[k]!;
      if (c === BACKSLASH) {
        k += b[k + 1] === 13 && b[k + 2] === 10 ? 3 : 2;
        continue;
      }
      if (c === quote) {
        if (depth > 0) throw DOUBT; // PEP 701 nested same quotes: leave it to the parser
        if (!triple) return k;
        if (b[k + 1] === quote && b[k + 2] === quote) return k;
        k++;
        continue;
      }
      if ((c === 10 || c === 13) && !triple && depth === 0) throw DOUBT; // unterminated single-quoted string
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
      if (depth > 0) {
        const cls = CLASS[c]!;
        if (cls === C_IDENT) {
          let j = k + 1;
          while (j < n && CLASS[b[j]!] === C_IDENT) j++;
          this.feedName(k, j);
          k = j;
          continue;
        }
        if (c === DOT) {
          this.feedDot();
          k++;
          continue;
        }
        if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) this.finishChain();
        if (cls === C_QUOTE) {
          // a nested string of the other quote: skip it whole (it may hold braces)
          let m = k + 1;
          while (m < n && b[m] !== c) {
            if (b[m] === quote || b[m] === 10 || b[m] === 13) throw DOUBT;
            m += b[m] === BACKSLASH ? 2 : 1;
          }
          if (m >= n) throw DOUBT;
          k = m + 1;
          continue;
        }
        if (c === 35) throw DOUBT; // a comment inside an interpolation (3.12): not worth modelling
      }
      k++;
    }
  }

  private valueReachesBan(start: number, end: number): boolean {
    const length = end - start;
    if (length < this.plan.minPathLength) return false;
    const { b } = this;
    const paths = this.plan.pathBytes;
    outer: for (let k = 0; k < paths.length; k++) {
      const p = paths[k]!;
      if (length < p.length) continue;
      for (let q = 0; q < p.length; q++) if (b[start + q] !== p[q]) continue outer;
      if (length === p.length || b[start + p.length] === DOT) return true;
    }
    return false;
  }

  // -- import statements -----------------------------------------------------

  private statementEnd = 0;
  private pos = 0;
  private parens = false;
  private tokenStart = 0;

  /** Next token of an import statement: a byte code, 'name' (tokenStart..pos), 'number', or 'end'. */
  private token(): Token {
    const { b, n } = this;
    for (;;) {
      if (this.pos >= n) return 'end';
      const c = b[this.pos]!;
      const cls = CLASS[c]!;
      if (cls === C_SPACE) {
        this.pos++;
      } else if (cls === C_BACKSLASH) {
        const next = b[this.pos + 1];
        if (next === 10) this.pos += 2;
        else if (next === 13) this.pos += b[this.pos + 2] === 10 ? 3 : 2;
        else throw DOUBT;
      } else if (cls === C_NEWLINE) {
        if (!this.parens) return 'end';
        this.pos++;
      } else if (cls === C_HASH) {
        if (!this.parens) return 'end';
        this.pos = this.lineEnd(this.pos);
      } else if (cls === C_IDENT) {
        this.tokenStart = this.pos;
        let j = this.pos + 1;
        while (j < n && CLASS[b[j]!] === C_IDENT) j++;
        this.pos = j;
        return b[this.tokenStart]! <= 57 ? 'number' : 'name';
      } else if (c === SEMI) {
        return 'end';
      } else if (c >= 0x80) {
        throw DOUBT; // non-ASCII names: let the parser handle them
      } else {
        this.pos++;
        return c;
      }
    }
  }

  private name(): string {
    return this.b.toString('latin1', this.tokenStart, this.pos);
  }

  /** `NAME (. NAME)*` starting with the name just read; leaves the following token in `lookahead`. */
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

  private lookahead: Token = 'end';

  /** `import a.b [as c], …` after the keyword; true when it makes the file a candidate. */
  private importStatement(afterKeyword: number): boolean {
    this.pos = afterKeyword;
    this.parens = false;
    for (;;) {
      if (this.token() !== 'name') throw DOUBT;
      const path = this.dotted();
      let t = this.lookahead;
      let alias: string | null = null;
      if (t === 'name' && this.name() === 'as') {
        if (this.token() !== 'name') throw DOUBT;
        alias = this.name();
        t = this.token();
      }
      const top = path.split('.', 1)[0]!;
      if (alias !== null ? this.binds(path, path, alias) : this.binds(path, top, top)) return true;
      if (t === COMMA) continue;
      if (t === 'end') break;
      throw DOUBT;
    }
    this.statementEnd = this.pos;
    return false;
  }

  /**
   * `from [.]*module import names` after the keyword. Returns true when it
   * makes the file a candidate, false when it was an import statement that
   * does not, and 'not-import' for `yield from` / `raise … from`.
   */
  private fromStatement(afterKeyword: number): boolean | 'not-import' {
    this.pos = afterKeyword;
    this.parens = false;
    let level = 0;
    let t = this.token();
    while (t === DOT) {
      level++;
      t = this.token();
    }
    let moduleText: string | null = null;
    if (t === 'name' && this.name() !== 'import') {
      moduleText = this.dotted();
      t = this.lookahead;
    }
    if (t !== 'name' || this.name() !== 'import') {
      if (level > 0) throw DOUBT;
      return 'not-import';
    }
    let module: string | null = moduleText;
    if (level > 0) {
      this.context ??= moduleContextOf(this.rel, this.sourceRoots);
      module = resolveRelativeModule(this.context, level, moduleText);
      if (module === null) throw DOUBT;
    }
    if (module === null) throw DOUBT;
    t = this.token();
    if (t === STAR) {
      if (this.token() !== 'end') throw DOUBT;
      for (const p of this.plan.paths) if (isAtOrUnder(module, p) || isAtOrUnder(p, module)) return true;
      this.statementEnd = this.pos;
      return false;
    }
    if (t === LPAR) {
      this.parens = true;
      t = this.token();
    }
    for (;;) {
      if (t === RPAR && this.parens) break; // `(a, b,)`
      if (t !== 'name') throw DOUBT;
      const name = this.dotted();
      t = this.lookahead;
      let local = name.split('.', 1)[0]!;
      if (t === 'name' && this.name() === 'as') {
        if (this.token() !== 'name') throw DOUBT;
        local = this.name();
        t = this.token();
      }
      const qualified = `${module}.${name}`;
      if (this.binds(qualified, qualified, local)) return true;
      if (t === COMMA) {
        t = this.token();
        if (!this.parens && t === 'end') throw DOUBT; // `from m import a,` is a syntax error
        continue;
      }
      if (t === RPAR && this.parens) break;
      if (t === 'end' && !this.parens) {
        this.statementEnd = this.pos;
        return false;
      }
      throw DOUBT;
    }
    this.parens = false;
    if (this.token() !== 'end') throw DOUBT;
    this.statementEnd = this.pos;
    return false;
  }

  /**
   * A binding: `imported` is the path the statement imports, `base` the path
   * its local name `local` stands for (`import a.b` binds `a` to `a`). True
   * on a direct hit; records the chain text a usage would need otherwise.
   */
  private binds(imported: string, base: string, local: string): boolean {
    const paths = this.plan.paths;
    for (let k = 0; k < paths.length; k++) {
      const p = paths[k]!;
      if (isAtOrUnder(imported, p) || isAtOrUnder(base, p)) return true;
      if (isAtOrUnder(p, base)) {
        this.chainsNeeded.push(`${local}${p.slice(base.length)}`);
        // `patch.object(local, "N")`, `getattr(local, "N")`: the module and the name in two parts
        const rest = p.slice(base.length + 1);
        if (rest && !rest.includes('.')) this.namesNeeded.push(rest);
      }
    }
    return false;
  }
}
