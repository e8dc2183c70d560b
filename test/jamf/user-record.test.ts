import { describe, expect, it } from 'vitest';
import { decodeUser, userWriteXml } from '../../src/jamf/user-codec.js';
import { buildXml, parseXml, rootElement, type XmlObject } from '../../src/jamf/xml-codec.js';

const record = `<?xml version="1.0" encoding="UTF-8"?>
<user><id>97</id><name>jdoe</name><full_name>Jane Doe</full_name><email>jdoe@example.com</email>
<email_address>jdoe@example.com</email_address><phone_number/><position/><managed_apple_id>jdoe@appleid.example.com</managed_apple_id>
<enable_custom_photo_url>true</enable_custom_photo_url><custom_photo_url>https://img.example.com/j.png</custom_photo_url>
<ldap_server><id>3</id><name>Corp AD</name></ldap_server>
<extension_attributes><extension_attribute><id>1</id><name>Cost Centre</name><type>String</type><value>R&amp;D</value></extension_attribute>
<extension_attribute><id>2</id><name>Badge</name><type>Integer</type><value/></extension_attribute></extension_attributes>
<sites><site><id>1</id><name>Berlin</name></site><site><id>4</id><name>Paris</name></site></sites>
<links><computers><computer><id>16</id><name>Mac 3</name></computer></computers><peripherals/><mobile_devices/><vpp_assignments/><total_vpp_code_count>0</total_vpp_code_count></links>
<user_groups><size>0</size></user_groups></user>`;

describe('Classic user record beyond the SCIM fields', () => {
  it('reads sites, extension attributes (empty values included), the LDAP link and the photo fields as Jamf returns them', () => {
    const user = decodeUser(rootElement(parseXml(record)) as XmlObject, 'GET /JSSResource/users/id/:id');
    expect(user.managedAppleId).toBe('jdoe@appleid.example.com');
    expect(user.extras).toEqual({
      sites: [
        { id: 1, name: 'Berlin' },
        { id: 4, name: 'Paris' },
      ],
      extensionAttributes: [
        { id: 1, name: 'Cost Centre', value: 'R&D' },
        { id: 2, name: 'Badge', value: '' },
      ],
      ldapServer: { id: 3, name: 'Corp AD' },
      enableCustomPhotoUrl: true,
      customPhotoUrl: 'https://img.example.com/j.png',
    });
  });

  it('reads no site and no LDAP link as none (`-1`/`None`)', () => {
    const none = record.replace(/<sites>.*<\/sites>/s, '<sites/>').replace(/<ldap_server>.*<\/ldap_server>/, '<ldap_server><id>-1</id><name>None</name></ldap_server>');
    const user = decodeUser(rootElement(parseXml(none)) as XmlObject, 'GET /JSSResource/users/id/:id');
    expect(user.extras?.sites).toEqual([]);
    expect(user.extras?.ldapServer).toBeNull();
  });

  it('writes them back by id; an empty site list is the `-1` site that clears it (§2.6), and links are never written', () => {
    const xml = buildXml(
      'user',
      userWriteXml({ name: 'jdoe', siteIds: [1, 4], extensionAttributes: [{ id: 1, value: 'R&D' }], ldapServerId: 3, managedAppleId: 'a@b.c', enableCustomPhotoUrl: false }),
    );
    expect(xml).toContain('<sites><site><id>1</id></site><site><id>4</id></site></sites>');
    expect(xml).toContain('<extension_attributes><extension_attribute><id>1</id><value>R&amp;D</value></extension_attribute></extension_attributes>');
    expect(xml).toContain('<ldap_server><id>3</id></ldap_server>');
    expect(xml).toContain('<managed_apple_id>a@b.c</managed_apple_id>');
    expect(xml).toContain('<enable_custom_photo_url>false</enable_custom_photo_url>');
    expect(xml).not.toContain('links');
    expect(buildXml('user', userWriteXml({ siteIds: [] }))).toContain('<sites><site><id>-1</id></site></sites>');
  });
});
