/**
 * What a deactivation keeps of the Jamf user beyond the SCIM fields, and how a reactivation
 * writes it back: sites, extension attribute values, the LDAP link, the managed Apple ID and the
 * custom photo fields (every writable element of the Classic user, jamf-pro-api.md §2.3, §2.6).
 * Device links are Jamf's own (`links` is read-only, §2.5) and are not written.
 */
import { isJamfError } from '../jamf/errors.js';
import type { JamfUser, JamfUserWrite } from '../jamf/types.js';
import { fromJamfError, jamfCall } from './errors.js';
import type { JamfDirectory, JamfSnapshot } from './ports.js';
import type { MappedJamfWrite } from './user-mapping.js';

/** null when the record was not read from the Classic API (which alone has these elements). */
export function snapshotOf(user: JamfUser): JamfSnapshot | null {
  if (user.extras === undefined) return null;
  const groups = user.groups.filter((g) => !g.isSmart).map((g) => ({ id: g.id, name: g.name }));
  return { jamfId: user.id, managedAppleId: user.managedAppleId, extras: user.extras, groups };
}

/** The parts of a snapshot that name no other Jamf object, so Jamf cannot refuse them as missing. */
function plainWrite(s: JamfSnapshot): JamfUserWrite {
  const write: JamfUserWrite = {};
  if (s.managedAppleId !== '') write.managedAppleId = s.managedAppleId;
  if (s.extras.enableCustomPhotoUrl) write.enableCustomPhotoUrl = true;
  if (s.extras.customPhotoUrl !== '') write.customPhotoUrl = s.extras.customPhotoUrl;
  return write;
}

const setValues = (s: JamfSnapshot) => s.extras.extensionAttributes.filter((ea) => ea.value !== '');

/** Everything of a snapshot a create can carry (a fresh Jamf user has none of it). */
export function snapshotWrite(s: JamfSnapshot | null | undefined): JamfUserWrite {
  if (!s) return {};
  const write = plainWrite(s);
  if (s.extras.sites.length > 0) write.siteIds = s.extras.sites.map((site) => site.id);
  const values = setValues(s);
  if (values.length > 0) write.extensionAttributes = values.map((ea) => ({ id: ea.id, value: ea.value }));
  if (s.extras.ldapServer) write.ldapServerId = s.extras.ldapServer.id;
  return write;
}

const refused = (err: unknown) => isJamfError(err, 'conflict') || isJamfError(err, 'bad_request');

/**
 * Writes the SCIM fields and the snapshot onto an existing Jamf user: one PUT, or, when Jamf
 * refuses it (a site, extension attribute or LDAP server deleted meanwhile), the plain fields
 * and then each reference on its own, skipping those Jamf refuses. Returns what was skipped.
 */
export async function restoreExtras(
  jamf: Pick<JamfDirectory, 'updateUser'>,
  jamfId: number,
  mapped: MappedJamfWrite,
  snapshot: JamfSnapshot | null,
): Promise<string[]> {
  try {
    await jamf.updateUser(jamfId, { ...mapped, ...snapshotWrite(snapshot) });
    return [];
  } catch (err) {
    if (!refused(err) || snapshot === null) throw fromJamfError(err);
  }
  await jamfCall(() => jamf.updateUser(jamfId, { ...mapped, ...plainWrite(snapshot) }));
  const skipped: string[] = [];
  const attempt = async (what: string, write: JamfUserWrite): Promise<boolean> => {
    try {
      await jamf.updateUser(jamfId, write);
      return true;
    } catch (err) {
      if (!refused(err)) throw fromJamfError(err);
      skipped.push(what);
      return false;
    }
  };
  // `<sites>` replaces the list: each one is tried on top of those that were accepted.
  const sites: number[] = [];
  for (const site of snapshot.extras.sites) {
    if (await attempt(`site "${site.name}" (id ${site.id})`, { siteIds: [...sites, site.id] })) sites.push(site.id);
  }
  for (const ea of setValues(snapshot)) {
    await attempt(`extension attribute "${ea.name}" (id ${ea.id})`, { extensionAttributes: [{ id: ea.id, value: ea.value }] });
  }
  const ldap = snapshot.extras.ldapServer;
  if (ldap) await attempt(`LDAP server "${ldap.name}" (id ${ldap.id})`, { ldapServerId: ldap.id });
  return skipped;
}
