/**
 * Ctrl-C and SIGTERM for long commands: the first signal aborts `work`
 * (which stops what it runs and undoes or reports what it did); a second one
 * exits at once with 130, as a shell reports SIGINT.
 */
export interface InterruptMessages {
  /** Printed on stderr at the first signal. */
  readonly first?: (signal: NodeJS.Signals) => string;
  /** Printed on stderr at the second signal, before exiting. */
  readonly second?: string;
}

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>, messages: InterruptMessages = {}): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      if (messages.first) process.stderr.write(messages.first(signal));
      controller.abort();
      return;
    }
    if (messages.second) process.stderr.write(messages.second);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What the phase commands (fix, rollback, verify) say: the tree is being put back, and how to finish if quit. */
export const UNDOING: InterruptMessages = {
  first: (signal) =>
    `\nssot: ${signal === 'SIGINT' ? 'interrupted' : `got ${signal}`} — stopping and putting the tree back (press Ctrl-C again to quit now; \`ssot recover\` would then finish the job)\n`,
  second: 'ssot: quitting now; run `ssot recover` to put the tree back\n',
};
