import { describe, expect, it } from 'vitest';
import type { JamfUserSummary } from '../../src/jamf/types.js';
import { createJamfIdList } from '../../src/provisioning/jamf-id-list.js';

function fixture(initial: number[]) {
  let users = [...initial];
  let clock = 0;
  let fetches = 0;
  let held: Promise<void> | undefined;
  const list = createJamfIdList({
    listUsers: async () => {
      fetches += 1;
      const snapshot: JamfUserSummary[] = users.map((id) => ({ id, name: `u${id}` }));
      if (held) await held;
      return snapshot;
    },
    now: () => clock,
  });
  return {
    list,
    setUsers: (ids: number[]) => (users = [...ids]),
    tick: (ms: number) => (clock += ms),
    fetches: () => fetches,
    /** The next read answers (with what Jamf held when it was asked) only once opened. */
    hold: () => {
      let open = () => {};
      held = new Promise<void>((resolve) => (open = resolve));
      return {
        open: () => {
          held = undefined;
          open();
        },
      };
    },
  };
}

describe('the Classic id list of an import', () => {
  it('is read by a first page, sorted, and reused by the pages after it', async () => {
    const f = fixture([30, 10, 20]);
    expect(await f.list.ids(true)).toEqual([10, 20, 30]);
    f.setUsers([10, 20, 30, 40]);
    expect(await f.list.ids(false)).toEqual([10, 20, 30]);
    expect(f.fetches()).toBe(1);
    expect(await f.list.ids(true)).toEqual([10, 20, 30, 40]);
    expect(f.fetches()).toBe(2);
  });

  it('is read again after a minute unused or ten minutes in all', async () => {
    const f = fixture([1, 2]);
    await f.list.ids(true);
    for (let i = 0; i < 11; i++) {
      f.tick(59_000);
      await f.list.ids(false);
    }
    // 11 × 59 s: used each time, but older than ten minutes at the last call.
    expect(f.fetches()).toBe(2);
    await f.list.ids(true);
    f.tick(60_001);
    await f.list.ids(false);
    expect(f.fetches()).toBe(4);
  });

  it('is not kept for a page that continues no import', async () => {
    const f = fixture([1, 2]);
    await f.list.ids(false);
    await f.list.ids(false);
    expect(f.fetches()).toBe(2);
  });

  it('holds the users this server creates, also those created while it was being read', async () => {
    const f = fixture([5, 7]);
    await f.list.ids(true);
    f.list.added(9);
    f.list.added(9);
    expect(await f.list.ids(false)).toEqual([5, 7, 9]);

    const held = f.hold();
    const reading = f.list.ids(true);
    f.list.added(11);
    held.open();
    expect(await reading).toEqual([5, 7, 11]);
    expect(await f.list.ids(false)).toEqual([5, 7, 11]);
  });

  it('shares one read between pages that ask at once', async () => {
    const f = fixture([3, 1, 2]);
    const held = f.hold();
    const pages = [f.list.ids(true), f.list.ids(false), f.list.ids(true)];
    held.open();
    expect(await Promise.all(pages)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(f.fetches()).toBe(1);
  });
});
