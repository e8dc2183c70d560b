import { Writable } from 'node:stream';
import pino from 'pino';
import { isJamfError, type JamfError } from '../../src/jamf/errors.js';

/** A pino logger that keeps every line, parsed, for assertions about what was logged. */
export function captureLogger(level: pino.Level = 'debug'): { logger: pino.Logger; lines: Array<Record<string, unknown>>; raw: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = pino({ level }, stream);
  return {
    logger,
    get lines() {
      return chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    raw: () => chunks.join(''),
  };
}

/** Records backoff pauses instead of waiting. */
export function fakeSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

/** The JamfError `p` rejects with; fails the test when it resolves or rejects with something else. */
export async function failure(p: Promise<unknown>): Promise<JamfError> {
  try {
    await p;
  } catch (err) {
    if (isJamfError(err)) return err;
    throw err;
  }
  throw new Error('expected a JamfError');
}
