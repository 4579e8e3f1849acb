/**
 * What ssot reads in pytest's output: the ids of failing tests, from the
 * short test summary (`FAILED a/test_x.py::test_y - AssertionError`,
 * `ERROR a/test_x.py - ImportError …` for a module that does not collect)
 * and from verbose progress lines (`a/test_x.py::test_y FAILED [ 50%]`).
 * This is output of a tool, not source code: a line format, matched as one.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const SUMMARY = /^(?:FAILED|ERROR) (.+?)(?: - .*)?$/;
const VERBOSE = /^(\S+::\S.*?) (?:FAILED|ERROR)(?: |$)/;

/** A pytest node id: a file, optionally with `::` parts (`a/test_x.py::TestA::test_b[1]`). */
const NODE_ID = /^[^\s].*?\.py(::.+)?$/;

export function failedPytestTest(line: string): string | null {
  const plain = line.replace(ANSI, '').trimEnd();
  const id = SUMMARY.exec(plain)?.[1]?.trim() ?? VERBOSE.exec(plain)?.[1];
  return id !== undefined && NODE_ID.test(id) ? id : null;
}
