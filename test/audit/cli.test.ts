import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAuditArgs } from '../../src/audit/cli-args.js';
import { csvCell, formatCsv, formatJson, formatTable } from '../../src/audit/format.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { finish, runEntry } from '../cli-support.js';
import { auditEntry } from './fixtures.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const entry = (seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({ ...auditEntry(), seq, ...overrides });

describe('audit output formats', () => {
  it('lines the table up under its header, one row per entry, counting the Jamf calls', () => {
    const out = formatTable([entry(2, { action: 'group.members_added', name: 'Staff', scimId: '7', jamfIds: [7], requestId: null, credential: null, jamfCalls: [] }), entry(1)]);
    const [header, first, second] = out.trimEnd().split('\n') as [string, string, string];
    expect(header).toMatch(/^TIME\s+REQUEST ID\s+CREDENTIAL\s+ACTION\s+NAME\s+SCIM ID\s+JAMF IDS\s+OUTCOME\s+CALLS$/);
    expect(first.split(/\s{2,}/)).toEqual(['2026-03-01T10:00:00.000Z', '-', '-', 'group.members_added', 'Staff', '7', '7', 'success', '0']);
    expect(second.split(/\s{2,}/)).toEqual(['2026-03-01T10:00:00.000Z', 'req-1', 'okta', 'user.created', 'alice@example.com', '101', '101', 'success', '1']);
    expect(second.indexOf('user.created')).toBe(header.indexOf('ACTION'));
  });

  it('shows control characters of a name as escapes, so a name cannot drive the terminal', () => {
    const out = formatTable([entry(1, { name: 'evil\u001b[2J\nfake line' })]);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('evil\\u001b[2J\\u000afake line');
    expect(out.trimEnd().split('\n')).toHaveLength(2);
  });

  it('writes one JSON array', () => {
    const entries = [entry(2), entry(1, { detail: { error: 'Jamf answered 500' } })];
    expect(JSON.parse(formatJson(entries))).toEqual(entries);
    expect(JSON.parse(formatJson([]))).toEqual([]);
  });

  it('writes RFC 4180 CSV and defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const start of ['=', '+', '-', '@']) expect(csvCell(`${start}HYPERLINK("http://x")`)).toMatch(new RegExp(`^"'\\${start}`));
    expect(csvCell('=1+1')).toBe("'=1+1");

    const csv = formatCsv([entry(3, { name: '=cmd|calc', detail: { from: 'A', to: 'B' }, members: ['1', '2'] })]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('seq,time,request_id,credential,action,resource_type,scim_id,name,jamf_ids,members,outcome,detail,jamf_calls');
    expect(lines[1]).toBe(`3,2026-03-01T10:00:00.000Z,req-1,okta,user.created,User,101,'=cmd|calc,101,1 2,success,"{""from"":""A"",""to"":""B""}",POST /JSSResource/users/id/{id} 201 12ms`);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
  });
});

describe('audit command flags', () => {
  it('reads filters, ages and the defaults', () => {
    expect(parseAuditArgs([], NOW)).toEqual({ query: {}, limit: 50, format: 'table' });
    expect(parseAuditArgs(['--user', 'alice', '--action', 'user.created,user.deleted', '--outcome', 'failure', '--since', '7d', '--until', '24h', '--limit', '5', '--format', 'csv'], NOW)).toEqual({
      query: { user: 'alice', action: ['user.created', 'user.deleted'], outcome: 'failure', since: '2026-03-03T12:00:00.000Z', until: '2026-03-09T12:00:00.000Z' },
      limit: 5,
      format: 'csv',
    });
    expect(parseAuditArgs(['--since', '2026-03-01T09:30'], NOW)).toMatchObject({ query: { since: '2026-03-01T09:30:00.000Z' } });
    expect(parseAuditArgs(['-h'], NOW)).toEqual({ help: true });
  });

  it('names the flag that is wrong', () => {
    for (const [argv, flag] of [
      [['--colour'], 'colour'],
      [['--action', 'user.exploded'], '--action'],
      [['--outcome', 'meh'], '--outcome'],
      [['--since', 'last week'], '--since'],
      [['--limit', '0'], '--limit'],
      [['--format', 'xml'], '--format'],
      [['stray'], 'stray'],
    ] as const) {
      const parsed = parseAuditArgs(argv, NOW);
      expect('error' in parsed && parsed.error, argv.join(' ')).toContain(flag);
    }
  });
});

describe('npm run audit', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const run = (args: string[], cwd: string, env: Record<string, string> = {}) => finish(runEntry('src/audit-cli.ts', args, cwd, env));

  it('prints the trail of the store named in .env, filtered, without any Jamf configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jamf-scim-audit-cli-'));
    dirs.push(dir);
    const store = openSqliteStore(join(dir, 'state.db'));
    await store.audit.append(auditEntry({ name: 'alice@example.com', time: '2026-03-01T10:00:00.000Z' }));
    await store.audit.append(auditEntry({ name: 'bob@example.com', scimId: '102', time: '2026-03-02T10:00:00.000Z' }));
    await store.close();
    writeFileSync(join(dir, '.env'), 'STATE_URL=./state.db\n');

    const json = await run(['--user', 'BOB@example.com', '--format', 'json'], dir);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.out) as AuditEntry[]).map((e) => e.name)).toEqual(['bob@example.com']);

    const bad = await run(['--since', 'soon'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--since');

    const missing = await run([], dir, { STATE_URL: join(dir, 'nope.db') });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('No state store at');
  });
});
