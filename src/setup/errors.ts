/** Exit codes of `npm run setup`. */
export const EXIT = { ok: 0, refused: 1, usage: 2, cancelled: 130 } as const;

/**
 * A problem the wizard explains in one message and ends on. `exitCode` 1: Jamf refused or the
 * check failed; 2: bad usage (a flag, a missing answer). Messages never carry a secret.
 */
export class SetupError extends Error {
  override readonly name = 'SetupError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.refused,
  ) {
    super(message);
  }
}

export const usageError = (message: string): SetupError => new SetupError(message, EXIT.usage);
