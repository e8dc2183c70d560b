export type JamfErrorKind =
  | 'not_found'
  | 'conflict'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'server';

/**
 * The one error type `src/jamf/` throws. `message` is Jamf's own text (from the second `<p>` of a
 * Classic status page, or an ApiError description); it never carries a token or a request body.
 */
export class JamfError extends Error {
  override readonly name = 'JamfError';

  constructor(
    readonly kind: JamfErrorKind,
    message: string,
    readonly status?: number,
    /** Method and route template of the failed call, e.g. `PUT /JSSResource/users/id/:id`. */
    readonly route?: string,
  ) {
    super(message);
  }

  /** The outcome on Jamf's side is unknown: the request may or may not have been applied. */
  get unclear(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.status === 502 || this.status === 504;
  }
}

/**
 * The name is taken in Jamf Pro. Either Jamf said so, or a create with an unclear outcome found a
 * same-named object it cannot prove it made.
 */
export class JamfDuplicateError extends JamfError {
  constructor(message: string, route?: string) {
    super('conflict', message, 409, route);
  }
}

/**
 * Jamf Pro refused this server's API client a privilege the call needs. The Jamf Pro API says so
 * with 403; Classic answers 401 like an expired token, so a 401 that a fresh token gets too is
 * taken as this (ConductorOne/baton-jamf README, tested on 11.32.1; jamf-pro-api.md §6, §11).
 */
export class JamfPrivilegeError extends JamfError {
  constructor(
    /** The API role privilege, as Jamf's role editor names it, e.g. `Update User`. */
    readonly privilege: string,
    route: string,
    status: number,
    /** When the call may have needed another privilege instead (privileges.ts). */
    unless?: string,
  ) {
    const advice = unless === undefined ? 'add it to the API role' : `add it to the API role ${unless}`;
    super('forbidden', `Jamf Pro refused this server's API client the privilege "${privilege}" (${route}): ${advice}`, status, route);
  }
}

export function isJamfError(err: unknown, kind?: JamfErrorKind): err is JamfError {
  return err instanceof JamfError && (kind === undefined || err.kind === kind);
}
