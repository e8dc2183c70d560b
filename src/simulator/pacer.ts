/**
 * Paces each call so that the time it holds a serving slot is its configured latency.
 *
 * The latency knob is Jamf's service time: a real server's includes its own processing. Sleeping
 * the full latency and then handling the call held a slot for latency + handling + timer lateness
 * (a `setTimeout` fires about 1 ms late, more when another process loads the CPU): 23.4 ms per call
 * at 20 ms on a shared 2-core machine, so every benchmark's floor was the simulator's, not Jamf's.
 * Instead a call sleeps until its deadline (slot start + latency) less a lead: the mean by which
 * calls have been finishing after their deadline, learnt from the calls themselves.
 */
export interface Pacer {
  /** How long a call due at `deadline` (a `performance.now()` time), `serviceMs` after its slot, should still sleep. */
  delay(deadline: number, serviceMs: number): number;
  /** A paced call finished (its slot was freed) at `finishedAt`. */
  observe(deadline: number, finishedAt: number): void;
}

/** Weight of one call in the learnt lead: about the last 20 calls count. */
const ALPHA = 0.05;
/**
 * Lateness is heavy-tailed when the CPU is shared (median 0.3 ms, mean 1 ms, the odd 20 ms), and
 * the lead must follow its mean; one freak call (a long GC pause) still moves it by at most ALPHA × this.
 */
const MAX_STEP_MS = 10;
/** Bounds of the lead; negative when timers fire early, so a call never ends ahead of time on average. */
const MIN_LEAD_MS = -2;
const MAX_LEAD_MS = 10;
/** No call is cut by more than this share of its service time, however late the others ran. */
const MAX_LEAD_SHARE = 0.25;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

export function createPacer(): Pacer {
  // A new simulator starts with no lead: its first calls sleep their full latency.
  let lead = 0;
  return {
    delay(deadline, serviceMs) {
      return Math.max(0, deadline - Math.min(lead, serviceMs * MAX_LEAD_SHARE) - performance.now());
    },
    observe(deadline, finishedAt) {
      const late = clamp(finishedAt - deadline, -MAX_STEP_MS, MAX_STEP_MS);
      lead = clamp(lead + ALPHA * late, MIN_LEAD_MS, MAX_LEAD_MS);
    },
  };
}
