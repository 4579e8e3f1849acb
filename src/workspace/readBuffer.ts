/**
 * Reads files into one buffer that is reused from file to file.
 *
 * `readFileSync` gives every file a new buffer; a scan reads thousands of
 * files and drops most of them after a needle search, so their memory is
 * fresh pages each time until a GC returns them (a first touch costs ~3 ms
 * per MB on the benchmark machine). Here the pages are touched once and read
 * into again: reading the 8,006 files of the synthetic 1× corpus (141 MB) and
 * searching each for a needle took 323–437 ms with `readFileSync`, 206–280 ms
 * with this buffer.
 *
 * The returned view is only valid until the next `read`: a caller that keeps
 * the bytes (to parse or cache them) copies them (`Buffer.from(view)`).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A buffer this size or smaller is kept between files; a larger file gets one of its own. */
const KEEP_BYTES = 8 << 20;

export class ReusedReadBuffer {
  private buffer: Buffer = Buffer.allocUnsafeSlow(256 << 10);

  /** The whole file, as a view of the shared buffer (see above). Throws what `open`/`read` throw. */
  read(file: string): Buffer {
    const fd = openSync(file, 'r');
    try {
      // the size is a hint: a file that grows meanwhile is read to its end all the same
      let buffer = this.room(fstatSync(fd).size + 1);
      let length = 0;
      for (;;) {
        if (length === buffer.length) buffer = this.grow(buffer, length);
        const n = readSync(fd, buffer, length, buffer.length - length, null);
        if (n === 0) break;
        length += n;
      }
      return buffer.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  }

  private room(size: number): Buffer {
    if (size <= this.buffer.length) return this.buffer;
    if (size > KEEP_BYTES) return Buffer.allocUnsafeSlow(size);
    this.buffer = Buffer.allocUnsafeSlow(Math.min(KEEP_BYTES, Math.max(size, 2 * this.buffer.length)));
    return this.buffer;
  }

  private grow(buffer: Buffer, length: number): Buffer {
    const bigger = Buffer.allocUnsafeSlow(2 * buffer.length);
    buffer.copy(bigger, 0, 0, length);
    if (bigger.length <= KEEP_BYTES) this.buffer = bigger;
    return bigger;
  }
}
