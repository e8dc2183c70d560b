import { createInterface } from 'node:readline/promises';
import { Writable, type Readable } from 'node:stream';
import { EXIT, SetupError, usageError } from './errors.js';

export interface Prompter {
  /** One line; `fallback` is taken for an empty answer and shown in brackets. */
  ask(question: string, fallback?: string): Promise<string>;
  /** One line that is not echoed (passwords, client secrets). */
  askSecret(question: string): Promise<string>;
  /** y/n; an empty answer takes `fallback`. */
  confirm(question: string, fallback: boolean): Promise<boolean>;
  /** A line of its own, e.g. why an answer was not taken. */
  say(line: string): void;
  close(): void;
}

/**
 * Prompts over any pair of streams, so tests drive the wizard with a PassThrough. One readline
 * interface for the whole session, whose lines are queued: piped answers that arrive before
 * their question are not lost. Its echo goes through a writable that is muted while a secret is
 * typed (on a terminal readline draws what is typed; a pipe echoes nothing).
 */
export function createPrompter(input: Readable, output: Writable): Prompter {
  let muted = false;
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const terminal = (input as Readable & { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input, output: echo, terminal });
  const lines: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  let ended: SetupError | undefined;

  rl.on('line', (line) => {
    const next = waiting.shift();
    if (next) next.resolve(line);
    else lines.push(line);
  });
  const end = (err: SetupError) => {
    ended ??= err;
    for (const w of waiting.splice(0)) w.reject(ended);
  };
  rl.on('close', () => end(usageError('the input ended before every question was answered (use --yes and flags to run without prompts)')));
  rl.on('SIGINT', () => {
    end(new SetupError('cancelled', EXIT.cancelled));
    rl.close();
  });

  const nextLine = (): Promise<string> => {
    const line = lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (ended) return Promise.reject(ended);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };

  return {
    async ask(question, fallback) {
      output.write(`${question}${fallback ? ` [${fallback}]` : ''}: `);
      const answer = (await nextLine()).trim();
      return answer === '' ? (fallback ?? '') : answer;
    },
    async askSecret(question) {
      // Muted first: an answer may already be on its way when the question is out.
      muted = true;
      output.write(`${question}: `);
      try {
        return await nextLine();
      } finally {
        muted = false;
        if (terminal) output.write('\n');
      }
    },
    async confirm(question, fallback) {
      for (;;) {
        output.write(`${question} ${fallback ? '[Y/n]' : '[y/N]'}: `);
        const answer = (await nextLine()).trim().toLowerCase();
        if (answer === '') return fallback;
        if (['y', 'yes'].includes(answer)) return true;
        if (['n', 'no'].includes(answer)) return false;
        output.write('Please answer y or n.\n');
      }
    },
    say: (line) => output.write(`${line}\n`),
    close: () => rl.close(),
  };
}
