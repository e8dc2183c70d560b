import { describe, expect } from 'vitest';
import { oktaLifecycle } from './lifecycles.js';
import { faultSuite } from './scenarios.js';

describe('Okta lifecycle (assign, link, group push, profile PUT, deactivate, reactivate) under Jamf faults', () => {
  faultSuite(oktaLifecycle, (state) => {
    expect(state.jamfUsers).toEqual([
      {
        name: 'ada.okta@example.com',
        fullName: 'Ada Lovelace',
        email: 'ada.okta@example.com',
        phone: '+44 20 7946 0000',
        position: 'Analyst <Engines & "Notes">',
        groups: ['Okta Design Team', 'Okta Engineering'],
      },
      { name: 'linus.okta@example.com', fullName: 'Linus Torvalds', email: 'linus.okta@example.com', phone: '', position: '', groups: ['Okta Engineering'] },
    ]);
    expect(state.jamfGroups).toEqual([
      { name: 'Okta Design Team', smart: false, members: ['ada.okta@example.com'] },
      { name: 'Okta Engineering', smart: false, members: ['ada.okta@example.com', 'linus.okta@example.com'] },
    ]);
    // Grace is deactivated: a tombstone that remembers her group; Okta never deletes.
    expect(state.storeUsers.map(({ attributes: _a, ...row }) => row)).toEqual([
      { userName: 'ada.okta@example.com', status: 'active', inJamf: true, externalId: '00uada', groups: [] },
      { userName: 'grace.okta@example.com', status: 'inactive', inJamf: false, externalId: '00ugrace', groups: ['Okta Design Team'] },
      { userName: 'linus.okta@example.com', status: 'active', inJamf: true, externalId: '00ulinus', groups: [] },
    ]);
  });
});
