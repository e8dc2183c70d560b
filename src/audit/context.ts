import { AsyncLocalStorage } from 'node:async_hooks';
import type { JamfCallNote } from './types.js';

/**
 * What a SCIM request's work carries down to the Jamf client and the audit trail without every
 * function passing it on: the request id (so a Jamf call's log line names the SCIM request that
 * caused it), the name of the IdP credential, and the Jamf calls made since the last audit entry.
 */
export interface RequestContext {
  readonly requestId: string;
  readonly credential: string | null;
  /** Other requests a shared Jamf call was also made for (a coalesced group write). */
  readonly alsoFor?: readonly string[];
  noteCall(call: JamfCallNote): void;
  /** The calls noted since the last take: an audit entry lists the calls its step took. */
  takeCalls(): JamfCallNote[];
}

export function requestContext(requestId: string, credential: string | null): RequestContext {
  let calls: JamfCallNote[] = [];
  return {
    requestId,
    credential,
    noteCall(call) {
      calls.push(call);
    },
    takeCalls() {
      const taken = calls;
      calls = [];
      return taken;
    },
  };
}

/**
 * One context for work done on behalf of several requests at once: a call noted here is noted
 * in each of theirs, so each request's audit entry lists the shared Jamf PUT it took.
 */
export function sharedContext(parts: readonly RequestContext[]): RequestContext | undefined {
  const [first, ...rest] = parts;
  if (first === undefined) return undefined;
  if (rest.length === 0) return first;
  return {
    requestId: first.requestId,
    credential: first.credential,
    alsoFor: rest.map((p) => p.requestId),
    noteCall(call) {
      for (const p of parts) p.noteCall(call);
    },
    takeCalls: () => first.takeCalls(),
  };
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request whose work is running, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `fn` (and everything it starts) in `context`. */
export function runInRequest<T>(context: RequestContext | undefined, fn: () => T): T {
  return context === undefined ? storage.run(undefined as unknown as RequestContext, fn) : storage.run(context, fn);
}
