/**
 * Text encodings, strictly: bytes decode to text only when every byte is
 * meaningful in the encoding, and text encodes back only when the bytes
 * decode to exactly that text again — so a file ssot rewrites keeps its
 * encoding byte for byte where nothing changed, and a character the
 * encoding cannot hold refuses the write instead of becoming `?`.
 *
 * UTF-8 goes through the platform's fatal decoder (a UTF-8 BOM is not part of
 * the text); every other encoding through iconv-lite, checked by a round
 * trip (iconv-lite substitutes instead of failing).
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export const UTF8 = 'utf-8';
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** True for the names of UTF-8 (`utf-8`, `UTF8`, `utf_8`). */
export function isUtf8Name(encoding: string): boolean {
  return /^utf[-_]?8$/i.test(encoding);
}

/** True when the encoding is known (iconv-lite's names and aliases, case and punctuation ignored). */
export function encodingExists(encoding: string): boolean {
  return isUtf8Name(encoding) || iconv.encodingExists(encoding);
}

/**
 * True when the encoding writes ASCII as ASCII (what source code with
 * ASCII keywords and a coding line needs: not UTF-16 or UTF-32).
 */
export function isAsciiCompatible(encoding: string): boolean {
  if (isUtf8Name(encoding)) return true;
  const probe = 'import a.b_c as D  # x=1\n';
  try {
    return iconv.encode(probe, encoding).equals(Buffer.from(probe, 'latin1'));
  } catch {
    return false;
  }
}

/** `text`, or `offset`: the first byte that is not valid in the encoding. A leading UTF-8 BOM is dropped. */
export function decodeStrict(bytes: Buffer, encoding: string): { readonly text: string } | { readonly offset: number } {
  if (isUtf8Name(encoding)) {
    if (!isUtf8(bytes)) return { offset: firstInvalidUtf8(bytes) };
    return { text: utf8Decoder.decode(bytes) };
  }
  const text = iconv.decode(bytes, encoding, { stripBOM: false });
  const back = iconv.encode(text, encoding);
  if (back.equals(bytes)) return { text };
  let offset = 0;
  while (offset < bytes.length && offset < back.length && bytes[offset] === back[offset]) offset++;
  return { offset };
}

/** The bytes of `text` in the encoding, or null when it cannot hold some character exactly. */
export function encodeExact(text: string, encoding: string): Buffer | null {
  if (isUtf8Name(encoding)) return Buffer.from(text, 'utf8');
  const bytes = iconv.encode(text, encoding);
  return iconv.decode(bytes, encoding, { stripBOM: false }) === text ? bytes : null;
}

/**
 * Offset of the first byte that does not start a well-formed UTF-8 sequence
 * (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above
 * U+10FFFF), or the length when every byte does. Only called on the error
 * path: the fast check is isUtf8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const inRange = (at: number, lo: number, hi: number) => at < bytes.length && bytes[at]! >= lo && bytes[at]! <= hi;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let length: number;
    let ok: boolean;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      ok = inRange(i + 1, 0x80, 0xbf);
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      ok = inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf);
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      ok = inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf);
    } else {
      return i;
    }
    if (!ok) return i;
    i += length;
  }
  return i;
}
