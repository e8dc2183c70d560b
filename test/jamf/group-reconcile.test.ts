import { describe, expect, it } from 'vitest';
import { remainingUpdate } from '../../src/jamf/groups.js';

const group = { id: 1, name: 'Eng', isSmart: false, members: [{ id: 1, username: 'a' }, { id: 2, username: 'b' }] };

describe('remainingUpdate (group PUT after an unclear outcome)', () => {
  it('is undefined when the group already matches', () => {
    expect(remainingUpdate(group, { addIds: [1], removeIds: [3] })).toBeUndefined();
    expect(remainingUpdate(group, { name: 'Eng', replaceIds: [2, 1] })).toBeUndefined();
  });

  it('keeps only what is still missing', () => {
    expect(remainingUpdate(group, { name: 'Ops', addIds: [1, 3], removeIds: [2, 4] })).toEqual({ name: 'Ops', addIds: [3], removeIds: [2] });
    expect(remainingUpdate(group, { replaceIds: [1] })).toEqual({ replaceIds: [1] });
  });
});
