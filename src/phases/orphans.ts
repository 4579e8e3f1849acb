/**
 * Gate process groups that outlive the ssot that started them. A `kill -9`
 * of ssot cannot stop its running gate (it is in a group of its own, so a
 * Ctrl-C reaches ssot first): the gate goes on, possibly testing — or
 * writing — the tree that `ssot recover` is putting back. So each running
 * gate is recorded in `.ssot/gates/<pgid>.json` while it runs; the next
 * ssot that writes the tree ends a recorded group whose ssot is gone (after
 * checking on /proc that the group's leader is still that gate's shell),
 * and names one it cannot check.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { SSOT_DIR, writeFileAtomic } from '../workspace/files.js';

export interface GateGroupRecord {
  /** Process group id (the gate's `sh` pid). */
  readonly pgid: number;
  readonly gate: string;
  /** The gate's command line, to recognise its shell on /proc. */
  readonly run: string;
  /** The ssot that started it. */
  readonly ssotPid: number;
  readonly startedAt: string;
}

export interface OrphanReport {
  /** Groups that were still running and were ended (SIGKILL). */
  readonly ended: readonly GateGroupRecord[];
  /** Groups that may still run but could not be checked to be the gate (no /proc, or the leader is another program now). */
  readonly unchecked: readonly GateGroupRecord[];
}

function gatesDir(root: string): string {
  return path.join(root, SSOT_DIR, 'gates');
}

/** Records a running gate's group (best effort: a gate runs even when the record cannot be written). */
export function recordGateGroup(root: string, record: GateGroupRecord): void {
  try {
    mkdirSync(gatesDir(root), { recursive: true });
    writeFileAtomic(path.join(gatesDir(root), `${record.pgid}.json`), `${JSON.stringify(record)}\n`, { durable: false });
  } catch {
    // no record: an orphan of this gate would go unnamed, nothing else changes
  }
}

export function clearGateGroup(root: string, pgid: number): void {
  try {
    unlinkSync(path.join(gatesDir(root), `${pgid}.json`));
  } catch {
    // gone already
  }
}

const alive = (pid: number, group = false): boolean => {
  try {
    process.kill(group ? -pid : pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** True when /proc says `pid` is still `sh -c <run>`; null when /proc cannot tell. */
function isGateShell(pid: number, run: string): boolean | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(run);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && alive(pid) ? null : false;
  }
}

/** Ends the recorded gate groups whose ssot is gone; see the module comment. */
export function endOrphanedGates(root: string): OrphanReport {
  let names: string[];
  try {
    names = readdirSync(gatesDir(root)).filter((n) => n.endsWith('.json'));
  } catch {
    return { ended: [], unchecked: [] };
  }
  const ended: GateGroupRecord[] = [];
  const unchecked: GateGroupRecord[] = [];
  for (const name of names) {
    let record: GateGroupRecord;
    try {
      record = JSON.parse(readFileSync(path.join(gatesDir(root), name), 'utf8')) as GateGroupRecord;
    } catch {
      rmSync(path.join(gatesDir(root), name), { force: true });
      continue;
    }
    if (record.ssotPid !== process.pid && alive(record.ssotPid)) continue; // a live ssot's own gate
    if (record.ssotPid === process.pid) continue;
    if (!alive(record.pgid, true)) {
      clearGateGroup(root, record.pgid);
      continue;
    }
    // the leader may have exited while its children run on: then the group cannot be told apart on /proc
    const shell = alive(record.pgid) ? isGateShell(record.pgid, record.run) : null;
    if (shell === false) {
      clearGateGroup(root, record.pgid); // the pid is another program's now
      continue;
    }
    if (shell === null) {
      unchecked.push(record);
      continue;
    }
    try {
      process.kill(-record.pgid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
    ended.push(record);
    clearGateGroup(root, record.pgid);
  }
  return { ended, unchecked };
}

/** One line per orphan, for progress output and reports. */
export function describeOrphans(report: OrphanReport): string[] {
  return [
    ...report.ended.map((o) => `ended gate "${o.gate}" (process group ${o.pgid}), left running by ssot pid ${o.ssotPid} (started ${o.startedAt})`),
    ...report.unchecked.map((o) => `gate "${o.gate}" may still run in process group ${o.pgid}, left by ssot pid ${o.ssotPid}; stop it with \`kill -- -${o.pgid}\` if it is yours`),
  ];
}
