/** Counts what a server wrote to its log file (pino JSON lines), after it has exited. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ServerLog {
  /** Every line written, JSON or not. */
  lines: number;
  bytes: number;
  /** `msg: "request"`, the one line per completed request (src/http/request-log.ts). */
  requestLines: number;
  /** `msg: "request failed"` (an error while answering, e.g. the client went away). */
  failedRequestLines: number;
  /** Lines that carry `component: "jamf"` (one per Jamf call, token requests and warnings). */
  jamfLines: number;
  /** `msg: "jamf call"` lines and the sum of their `jamf.ms`: each call's time as the server saw it. */
  jamfCalls: number;
  jamfCallMs: number;
  /** Lines by pino level number (30 info, 40 warn, 50 error). */
  levels: Record<string, number>;
  exitCode?: number | null;
  /** What the server wrote to stderr (start-up failures), first 2,000 characters. */
  stderr?: string;
}

export async function countLogLines(file: string): Promise<ServerLog> {
  const out: ServerLog = { lines: 0, bytes: 0, requestLines: 0, failedRequestLines: 0, jamfLines: 0, jamfCalls: 0, jamfCallMs: 0, levels: {} };
  const input = createReadStream(file, { encoding: 'utf8' });
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line === '') continue;
    out.lines++;
    out.bytes += Buffer.byteLength(line) + 1;
    let entry: { level?: number; msg?: string; component?: string; jamf?: { ms?: unknown } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    out.levels[String(entry.level)] = (out.levels[String(entry.level)] ?? 0) + 1;
    if (entry.msg === 'request') out.requestLines++;
    else if (entry.msg === 'request failed') out.failedRequestLines++;
    if (entry.component === 'jamf') out.jamfLines++;
    if (entry.msg === 'jamf call' && typeof entry.jamf?.ms === 'number') {
      out.jamfCalls++;
      out.jamfCallMs += entry.jamf.ms;
    }
  }
  return out;
}

/**
 * The benchmark's check that logging was on: one `request` line per SCIM request it sent at
 * `info` (or more verbose), none above it.
 */
export function requestLineCheck(label: string, level: string, log: ServerLog, requests: { min: number; max: number }): { what: string; ok: boolean; detail?: string } {
  const sent = ['info', 'debug', 'trace'].includes(level) ? requests : { min: 0, max: 0 };
  const lines = log.requestLines + log.failedRequestLines;
  const exact = sent.min === sent.max;
  return {
    what: `${label} (LOG_LEVEL=${level}): one 'request' log line per SCIM request${exact ? ` (${sent.min})` : ` (${sent.min}–${sent.max}: autocannon abandons requests in flight when it stops)`}, clean exit on SIGTERM`,
    ok: lines >= sent.min && lines <= sent.max && log.exitCode === 0,
    detail: `${log.requestLines} request + ${log.failedRequestLines} failed lines, ${log.lines} lines in all (${(log.bytes / 2 ** 20).toFixed(1)} MB), exit ${String(log.exitCode)}`,
  };
}
