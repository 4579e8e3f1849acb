/**
 * The encoding Python reads a source file in (PEP 263, as
 * `tokenize.detect_encoding` does): a UTF-8 BOM; else a coding cookie
 * (`# -*- coding: latin-1 -*-`, `# vim: set fileencoding=cp1252 :`) on the
 * first line, or on the second when the first is blank or only a comment;
 * else UTF-8. A BOM with a cookie naming anything but UTF-8, an unknown
 * encoding, or one that does not write ASCII as ASCII is a file Python
 * refuses: an error, with the reason.
 */
import { encodingExists, isAsciiCompatible, UTF8, UTF8_BOM } from '../../text/encoding.js';

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const COOKIE_WORD = Buffer.from('coding');
const BLANK_OR_COMMENT = /^[ \t\f]*(?:[#\r\n]|$)/;

/** Python's normalisation of the two names it special-cases (tokenizer.c get_normal_name). */
function normalName(name: string): string {
  const lower = name.slice(0, 12).toLowerCase().replace(/_/g, '-');
  if (lower === 'utf-8' || lower.startsWith('utf-8-')) return UTF8;
  for (const latin of ['latin-1', 'iso-8859-1', 'iso-latin-1']) if (lower === latin || lower.startsWith(`${latin}-`)) return 'iso-8859-1';
  return name;
}

/** Python codec aliases iconv-lite does not know by that name. */
const PYTHON_ALIASES: Readonly<Record<string, string>> = { l1: 'iso-8859-1', latin: 'iso-8859-1', u8: UTF8, utf: UTF8, '646': 'ascii', 'utf8-ucs2': UTF8, 'utf8-ucs4': UTF8 };

/** The first `n` lines of the bytes (each with its line ending), read as Latin-1: the cookie is ASCII. */
function firstLines(bytes: Buffer, n: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < n && start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    end = end < 0 ? Math.min(bytes.length, start + 1024) : end + 1;
    lines.push(bytes.subarray(start, Math.min(end, start + 1024)).toString('latin1'));
    start = end;
  }
  return lines;
}

export function pythonSourceEncoding(bytes: Buffer): { readonly encoding: string; readonly bom: boolean } | { readonly error: string } {
  const bom = bytes.length >= 3 && bytes.subarray(0, 3).equals(UTF8_BOM);
  // the common case, cheaply: no cookie anywhere near the start (two lines of at most 1 KiB each)
  if (!bytes.subarray(0, 2051).includes(COOKIE_WORD)) return { encoding: UTF8, bom };
  const [first = '', second = ''] = firstLines(bom ? bytes.subarray(3) : bytes, 2);
  let cookie = COOKIE.exec(first)?.[1];
  if (cookie === undefined && BLANK_OR_COMMENT.test(first)) cookie = COOKIE.exec(second)?.[1];
  if (cookie === undefined) return { encoding: UTF8, bom };
  const named = normalName(cookie);
  const encoding = PYTHON_ALIASES[named.toLowerCase()] ?? named;
  if (bom && encoding !== UTF8) return { error: `has a UTF-8 BOM but declares \`coding: ${cookie}\` (Python refuses this file)` };
  if (encoding === UTF8) return { encoding, bom };
  if (!encodingExists(encoding)) return { error: `declares an unknown encoding \`${cookie}\` (Python refuses this file)` };
  if (!isAsciiCompatible(encoding)) return { error: `declares \`coding: ${cookie}\`, which Python cannot read source code in` };
  return { encoding, bom };
}
