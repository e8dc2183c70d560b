import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { JamfError } from '../../src/jamf/errors.js';
import type { JamfGroup, JamfGroupUpdate, JamfUser } from '../../src/jamf/types.js';
import { createGroupWriter, mergeWrites, MissingMembersError } from '../../src/provisioning/group-writer.js';

describe('mergeWrites', () => {
  it('nets additions and removals in arrival order and keeps the last rename', () => {
    expect(mergeWrites([{ add: [1, 2] }, { name: 'A' }, { remove: [2, 3] }, { add: [3] }, { name: 'B' }])).toEqual({ name: 'B', addIds: [1, 3], removeIds: [2] });
  });

  it('a replace drops what came before it; later changes apply on top of it', () => {
    expect(mergeWrites([{ add: [9] }, { remove: [8] }, { replace: [1, 2] }, { add: [3] }, { remove: [1] }])).toEqual({ replaceIds: [2, 3] });
    expect(mergeWrites([{ replace: [] }])).toEqual({ replaceIds: [] });
  });

  it('is nothing to send when no change reaches Jamf', () => {
    expect(mergeWrites([{}, {}])).toBeUndefined();
  });
});

/** A Jamf whose group PUTs wait until the test answers them, one by one. */
function heldJamf(users: number[] = [], members: number[] = []) {
  const puts: Array<{ update: JamfGroupUpdate; answer: (err?: Error) => void }> = [];
  let waiters: Array<() => void> = [];
  const jamf = {
    updateGroup: (_id: number, update: JamfGroupUpdate) =>
      new Promise<void>((resolve, reject) => {
        puts.push({ update, answer: (err) => (err ? reject(err) : resolve()) });
        waiters.forEach((w) => w());
        waiters = [];
      }),
    deleteGroup: async () => undefined,
    getGroup: async (id: number): Promise<JamfGroup> => ({ id, name: 'G', isSmart: false, members: members.map((m) => ({ id: m, username: `u${m}` })) }),
    getUser: async (id: number): Promise<JamfUser | null> =>
      users.includes(id) ? { id, name: `u${id}`, fullName: '', email: '', phoneNumber: '', position: '', managedAppleId: '', groups: [] } : null,
  };
  /** Resolves when the n-th PUT (1-based) has been sent. */
  const sent = async (n: number) => {
    while (puts.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return puts[n - 1] as (typeof puts)[number];
  };
  return { jamf, puts, sent };
}

const writerOver = (jamf: ReturnType<typeof heldJamf>['jamf']) =>
  createGroupWriter({ jamf, logger: pino({ level: 'silent' }), readConcurrency: 5, nameTaken: async (err) => (err as Error).message.includes('Duplicate') });

const settle = (p: Promise<unknown>) => p.then(() => 'ok', (err: unknown) => err);

describe('group writer', () => {
  it('tells a change the name of a rename it sent after the change was queued, and only then', async () => {
    const fake = heldJamf();
    const writer = writerOver(fake.jamf);
    const before = writer.update(1, { name: 'Old' });
    (await fake.sent(1)).answer();
    await before;

    const renaming = writer.update(1, { name: 'Research' });
    await fake.sent(2);
    // Queued while the rename is in flight: carried by the next PUT, after the rename.
    const behind = writer.update(1, { add: [10] });
    fake.puts[1]?.answer();
    (await fake.sent(3)).answer();
    expect(await renaming).toBe('Research');
    expect(await behind).toBe('Research');

    const later = writer.update(1, { add: [11] });
    (await fake.sent(4)).answer();
    // No rename since it was queued: the caller's own knowledge stands.
    expect(await later).toBeUndefined();
  });

  it('keeps one PUT in flight per group and answers each change when the PUT carrying it succeeded', async () => {
    const fake = heldJamf();
    const writer = writerOver(fake.jamf);
    const order: string[] = [];
    const first = writer.update(1, { add: [10] }, async () => void order.push('first applied'));
    const second = writer.update(1, { add: [11] }, async () => void order.push('second applied'));
    const third = writer.update(1, { remove: [12] }, async () => void order.push('third applied'));
    const other = writer.update(2, { add: [10] });

    (await fake.sent(1)).answer();
    await first;
    expect(order).toEqual(['first applied']);
    // The other group had its own writer; the two waiting changes went out as one PUT.
    const merged = await fake.sent(3);
    expect(fake.puts.map((p) => p.update)).toEqual([{ addIds: [10] }, { addIds: [10] }, { addIds: [11], removeIds: [12] }]);
    expect(writer.stats()).toMatchObject({ waiting: 0, puts: 3, changes: 4 });
    (fake.puts[1] as (typeof fake.puts)[number]).answer();
    await other;
    merged.answer();
    await Promise.all([second, third]);
    expect(order).toEqual(['first applied', 'second applied', 'third applied']);
  });

  it('fails only the change naming a user Jamf does not have, and sends the others again', async () => {
    const fake = heldJamf([10, 11]);
    const writer = writerOver(fake.jamf);
    const first = writer.update(1, { add: [10] });
    const good = writer.update(1, { add: [11] });
    const bad = writer.update(1, { add: [99] });
    (await fake.sent(1)).answer();
    await first;
    (await fake.sent(2)).answer(new JamfError('conflict', 'Error: Unable to find user with id 99', 409));
    (await fake.sent(3)).answer();

    expect(await settle(good)).toBe('ok');
    const err = await settle(bad);
    expect(err).toBeInstanceOf(MissingMembersError);
    expect((err as MissingMembersError).jamfIds).toEqual([99]);
    expect(fake.puts[2]?.update).toEqual({ addIds: [11] });
  });

  it('drops removals of users who are not members after Jamf refuses them, and additions already there', async () => {
    const fake = heldJamf([10, 11], [10]);
    const writer = writerOver(fake.jamf);
    const done = writer.update(1, { add: [10, 11], remove: [20] });
    (await fake.sent(1)).answer(new JamfError('conflict', 'Error: User (ID:20) is not a member of this group', 409));
    (await fake.sent(2)).answer();
    expect(await settle(done)).toBe('ok');
    expect(fake.puts[1]?.update).toEqual({ addIds: [11] });
  });

  it('a taken name fails only the rename that was sent; an earlier rename still applies', async () => {
    const fake = heldJamf();
    const writer = writerOver(fake.jamf);
    const first = writer.update(1, { add: [1] });
    const early = writer.update(1, { name: 'Free' });
    const late = writer.update(1, { name: 'Taken' });
    (await fake.sent(1)).answer();
    await first;
    (await fake.sent(2)).answer(new JamfError('conflict', 'Error: Duplicate name', 409));
    (await fake.sent(3)).answer();
    expect(await settle(early)).toBe('ok');
    expect(await settle(late)).toBeInstanceOf(JamfError);
    expect(fake.puts.map((p) => p.update.name)).toEqual([undefined, 'Taken', 'Free']);
  });

  it('a Jamf failure of the whole PUT fails every change it carried', async () => {
    const fake = heldJamf();
    const writer = writerOver(fake.jamf);
    const first = writer.update(1, { add: [1] });
    const a = writer.update(1, { add: [2] });
    const b = writer.update(1, { add: [3] });
    (await fake.sent(1)).answer();
    await first;
    (await fake.sent(2)).answer(new JamfError('unavailable', 'Service Unavailable', 503));
    expect([await settle(a), await settle(b)].map((e) => (e as JamfError).kind)).toEqual(['unavailable', 'unavailable']);
  });

  it('a delete waits for the writes queued before it; writes after it fail as not found without a call', async () => {
    const fake = heldJamf();
    const writer = writerOver(fake.jamf);
    const before = writer.update(1, { add: [1] });
    const deletion = writer.delete(1);
    const after = writer.update(1, {});
    expect(writer.isDeleted(1)).toBe(false);
    (await fake.sent(1)).answer();
    await before;
    await deletion;
    expect(writer.isDeleted(1)).toBe(true);
    expect(((await settle(after)) as JamfError).kind).toBe('not_found');
    expect(fake.puts).toHaveLength(1);
  });
});
