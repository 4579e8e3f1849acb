/**
 * A usage or configuration problem: the run cannot start. The CLI prints
 * `error: <message>` (and the hint on the next line) and exits with `exitCode`.
 * Anything that is not a UserError is a bug and is allowed to surface.
 */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, options: { hint?: string; exitCode?: number } = {}) {
    super(message);
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}
