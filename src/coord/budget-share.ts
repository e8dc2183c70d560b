/**
 * How replicas share the Jamf slots while more than one of them has calls waiting: each holds no
 * more than ceil(max / replicas waiting), and the odd slot moves on now and then, so no replica
 * keeps the larger share for good.
 */

// Each rotation costs the slot a round trip; 64 turns keeps that under 2% of its calls.
export const ROTATE_TURNS = 64;

export interface Slot {
  id: number;
  expiresAt: number;
  busy: boolean;
  /** Tasks run on the slot here since it last moved. */
  turns: number;
  idleSince: number;
}

/**
 * Whether a slot that just finished a task should go to another waiting replica instead of the
 * next local task: the most slots that replica may hold for the move to even things out, or
 * undefined to keep the slot.
 */
export function passBound(held: number, othersWaiting: number, max: number, turns: number): number | undefined {
  const share = Math.ceil(max / (othersWaiting + 1));
  if (held > share) return held - 2;
  if (turns >= ROTATE_TURNS) return held - 1;
  return undefined;
}
