import { describe, expect, it } from 'vitest';
import type { JamfUser } from '../../src/jamf/types.js';
import type { UserRecord } from '../../src/provisioning/ports.js';
import { composeFullName, idpAttributes, toJamfWrite } from '../../src/provisioning/user-mapping.js';
import { userFromJamf } from '../../src/provisioning/user-view.js';

const ctx = { baseUrl: 'https://scim.example.com/scim/v2' };

const jamfUser = (fullName: string): JamfUser => ({
  id: 5,
  name: 'ada',
  fullName,
  email: '',
  phoneNumber: '',
  position: '',
  managedAppleId: '',
  groups: [],
});

const record = (attributes: Record<string, unknown>, writtenFullName: string | null): UserRecord => ({
  scimId: '5',
  jamfId: 5,
  userName: 'ada',
  externalId: null,
  status: 'active',
  attributes: { userName: 'ada', ...attributes },
  writtenFullName,
  groupIds: [],
  created: '2026-01-01T00:00:00Z',
  lastModified: '2026-01-01T00:00:00Z',
});

/** One write as user-writes.ts makes it: the stored attributes and the full_name Jamf then holds. */
function write(stored: UserRecord, mutate: (current: Record<string, unknown>) => Record<string, unknown>) {
  const current = userFromJamf(jamfUser(stored.writtenFullName ?? ''), stored, ctx, { withGroups: false });
  const attributes = idpAttributes(mutate(current), current, stored.attributes);
  const fullName = toJamfWrite(attributes).fullName;
  const next = record(attributes, fullName);
  return { attributes, fullName, next, resource: userFromJamf(jamfUser(fullName), next, ctx, { withGroups: false }) };
}

const withoutName = ({ name: _name, ...rest }: Record<string, unknown>) => rest;

describe('a removed name (RFC 7643 §2.5)', () => {
  const named = record({ name: { givenName: 'Ada', familyName: 'Lovelace' }, displayName: 'Countess Ada' }, 'Ada Lovelace');

  it('is not derived again from the full_name the server wrote from displayName', () => {
    const { fullName, resource, next } = write(named, withoutName);
    expect(fullName).toBe('Countess Ada');
    expect(resource).not.toHaveProperty('name');
    // Still unassigned after a further write that leaves the name alone.
    const again = write(next, (current) => ({ ...current, title: 'Analyst' }));
    expect(again.resource).not.toHaveProperty('name');
    expect(again.attributes).toHaveProperty('name', null);
  });

  it('is derived when Jamf itself changed full_name', () => {
    const { next } = write(named, withoutName);
    const resource = userFromJamf(jamfUser('Augusta King'), next, ctx, { withGroups: false });
    expect(resource.name).toEqual({ formatted: 'Augusta King', givenName: 'Augusta', familyName: 'King' });
  });

  it('comes back when the IdP writes a part again', () => {
    const { next } = write(named, withoutName);
    const { resource, attributes } = write(next, (current) => ({ ...current, name: { familyName: 'King' } }));
    expect(attributes.name).toEqual({ familyName: 'King' });
    expect(resource.name).toEqual({ familyName: 'King', formatted: 'King' });
  });
});

describe('composition of full_name (design.md §3)', () => {
  it('follows new parts when the stored formatted was their composition, or absent', () => {
    for (const formatted of ['Ada Lovelace', ' Ada Lovelace ', undefined]) {
      const stored = record({ name: { givenName: 'Ada', familyName: 'Lovelace', formatted } }, 'Ada Lovelace');
      const { fullName } = write(stored, (current) => ({ ...current, name: { ...(current.name as object), givenName: 'Augusta' } }));
      expect(fullName, String(formatted)).toBe('Augusta Lovelace');
    }
  });

  it('keeps a formatted the IdP set to something else, or sent with the new parts', () => {
    const stored = record({ name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Countess of Lovelace' } }, 'Countess of Lovelace');
    expect(write(stored, (c) => ({ ...c, name: { ...(c.name as object), givenName: 'Augusta' } })).fullName).toBe('Countess of Lovelace');
    const sent = write(stored, (c) => ({ ...c, name: { givenName: 'Augusta', familyName: 'King', formatted: 'Lady King' } }));
    expect(sent.fullName).toBe('Lady King');
  });

  it('composes formatted, else the parts, else displayName', () => {
    expect(composeFullName({ name: { formatted: ' F ', givenName: 'G' }, displayName: 'D' })).toBe('F');
    expect(composeFullName({ name: { givenName: ' G ', familyName: 'H' }, displayName: 'D' })).toBe('G H');
    expect(composeFullName({ name: null, displayName: 'D' })).toBe('D');
  });
});
