import { describe, expect } from 'vitest';
import { entraLifecycle } from './lifecycles.js';
import { faultSuite } from './scenarios.js';

describe('Entra lifecycle (provision, PATCH dialects, group members, disable, restore, hard delete) under Jamf faults', () => {
  faultSuite(entraLifecycle, (state) => {
    expect(state.jamfUsers).toEqual([
      {
        name: 'alan.entra@example.com',
        fullName: 'Alan M. Turing',
        email: 'alan.turing@example.com',
        phone: '',
        position: 'Cryptanalyst & <Lead>',
        groups: ['Entra Labs', 'Entra Operations'],
      },
      // In Jamf before the IdP was connected, and never assigned: untouched.
      { name: 'linus.okta@example.com', fullName: 'Linus T', email: 'linus.okta@example.com', phone: '', position: '', groups: [] },
    ]);
    expect(state.jamfGroups).toEqual([
      { name: 'Entra Labs', smart: false, members: ['alan.entra@example.com'] },
      { name: 'Entra Operations', smart: false, members: ['alan.entra@example.com'] },
    ]);
    // Barbara and Edsger were hard-deleted: nothing of them is left, in Jamf or in the store.
    expect(state.storeUsers.map(({ attributes: _a, ...row }) => row)).toEqual([
      { userName: 'alan.entra@example.com', status: 'active', inJamf: true, externalId: 'a1a1-guid', groups: [] },
    ]);
    expect(state.storeGroups).toEqual([
      { group: 'Entra Labs', externalId: 'g-labs-guid' },
      { group: 'Entra Operations', externalId: 'g-ops-guid' },
    ]);
  });
});
