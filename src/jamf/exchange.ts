/**
 * One HTTP request and its whole response body, straight on undici's dispatch handler. The
 * `request()` API wraps every response in a stream (a Readable, its buffering and `text()`
 * consumer) and every call in an AbortSignal; with a body of a few kilobytes that wrapping cost
 * more CPU than reading the bytes, and each Jamf call holds one of the few Jamf slots while the
 * event loop does it. Only the two response headers http-core reads are decoded.
 */
import type { Dispatcher } from 'undici';

export interface Exchange {
  status: number;
  body: string;
  /** Every `Set-Cookie` line, in order; undefined when there is none. */
  setCookie: string[] | undefined;
  /** The first `Retry-After` value. */
  retryAfter: string | undefined;
}

/** What `send` failed with: the transport's error, and whether our own timeout caused it. */
export class ExchangeError extends Error {
  constructor(
    readonly transportError: unknown,
    readonly timedOut: boolean,
  ) {
    super('jamf exchange failed');
  }
}

/** Raw header names and values arrive as Buffers from a socket and as strings from MockAgent. */
type RawHeader = Buffer | string;

const latin1 = (value: RawHeader | undefined): string => (value === undefined ? '' : typeof value === 'string' ? value : value.toString('latin1'));

function onTimeout(handler: ResponseHandler): void {
  handler.timedOut = true;
  // Before the request reached a socket there is nothing to abort yet; onConnect aborts it then.
  handler.abort?.(new Error('timeout'));
}

class ResponseHandler implements Dispatcher.DispatchHandler {
  abort: ((err?: Error) => void) | undefined;
  timedOut = false;
  private status = 0;
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private setCookie: string[] | undefined;
  private retryAfter: string | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (exchange: Exchange) => void,
    private readonly reject: (err: ExchangeError) => void,
    timeoutMs: number,
  ) {
    // Headers and body together, per attempt: undici's own timeouts only bound each wait.
    this.timer = setTimeout(onTimeout, timeoutMs, this);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    if (this.timedOut) abort(new Error('timeout'));
  }

  onHeaders(statusCode: number, headers: RawHeader[]): boolean {
    this.status = statusCode;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i] as RawHeader;
      // Lengths first: most headers are neither, and a name compared is a string made.
      if (name.length !== 10 && name.length !== 11) continue;
      const lower = latin1(name).toLowerCase();
      if (lower === 'set-cookie') (this.setCookie ??= []).push(latin1(headers[i + 1]));
      else if (lower === 'retry-after') this.retryAfter ??= latin1(headers[i + 1]);
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return true;
  }

  onComplete(): void {
    clearTimeout(this.timer);
    const buffer = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.length);
    // A UTF-8 byte order mark is dropped, as undici's `text()` drops it.
    const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
    this.resolve({ status: this.status, body: buffer.toString('utf8', start), setCookie: this.setCookie, retryAfter: this.retryAfter });
  }

  onError(err: Error): void {
    clearTimeout(this.timer);
    this.reject(new ExchangeError(err, this.timedOut));
  }
}

/** Sends `opts` and resolves with the response; rejects with an ExchangeError (never throws). */
export function exchange(dispatcher: Dispatcher, opts: Dispatcher.DispatchOptions, timeoutMs: number): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    dispatcher.dispatch(opts, new ResponseHandler(resolve, reject, timeoutMs));
  });
}
