import type { FastifyInstance } from 'fastify';
import { requirePrivilege, type SimContext } from '../context.js';
import { SimError } from '../errors.js';
import { PRIVILEGES } from '../privileges.js';
import { jamfRoute } from '../route-meta.js';
import { parseRsql, RsqlError, type RsqlPredicate, type RsqlRecord } from '../rsql.js';
import { proUser } from '../user-record.js';
import { USERS_API_MIN_VERSION, versionString } from '../version.js';

type ProUser = ReturnType<typeof proUser>;

/** Fields `filter` and `sort` may name (the string-valued keys of `User`, §3.1). */
const FIELDS = ['id', 'username', 'realname', 'email', 'phone', 'position', 'managedAppleId'] as const;
type Field = (typeof FIELDS)[number];

const invalid = (field: string, description: string): SimError =>
  new SimError(400, description, { code: 'INVALID_FIELD', field });

/** Repeated query keys arrive as arrays; Jamf treats `sort=a&sort=b` like `sort=a,b`. */
const param = (value: unknown): string | undefined => (Array.isArray(value) ? value.join(',') : (value as string | undefined));

function intParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  const raw = param(value);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw invalid(name, `${name} must be an integer between ${min} and ${max}`);
  return n;
}

type Comparator = (a: ProUser, b: ProUser) => number;

/** Shared: `localeCompare` with options builds a collator per call, far too slow for large sorts. */
const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** `sort=prop[:asc|desc],…`, default `id:asc` (§3.1). Ids compare as numbers, text without case. */
function parseSort(raw: string | undefined): Comparator {
  const keys = (raw ?? 'id:asc').split(',').map((part) => {
    const [field = '', dir = 'asc', ...rest] = part.trim().split(':');
    if (!FIELDS.includes(field as Field) || !['asc', 'desc'].includes(dir.toLowerCase()) || rest.length > 0) {
      throw invalid('sort', `Invalid sort criteria: ${part}`);
    }
    return { field: field as Field, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { field, sign } of keys) {
      const d =
        field === 'id' ? Number(a.id) - Number(b.id) : collator.compare(a[field], b[field]);
      if (d !== 0) return d * sign;
    }
    return Number(a.id) - Number(b.id);
  };
}

const rsqlRecord = (u: ProUser): RsqlRecord => Object.fromEntries(FIELDS.map((f) => [f, u[f]]));

function parseFilter(raw: string | undefined): RsqlPredicate | undefined {
  if (!raw) return undefined;
  try {
    return parseRsql(raw, FIELDS);
  } catch (err) {
    if (err instanceof RsqlError) throw new SimError(400, err.message, { code: 'INVALID_RSQL_FILTER', field: 'filter' });
    throw err;
  }
}

export function proUserRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { state } = ctx;
  // The route exists only from 11.26 on; the pipeline answers 404 below that (§3.1).
  const usersApi = jamfRoute({ api: 'pro', minVersion: USERS_API_MIN_VERSION });

  app.get('/api/v1/jamf-pro-version', jamfRoute({ api: 'pro' }), async () => ({ version: versionString(ctx.knobs.version) }));

  app.get('/api/v1/users', usersApi, async (request) => {
    requirePrivilege(ctx, request, PRIVILEGES.readUser);
    const query = request.query as Record<string, unknown>;
    const page = intParam(query['page'], 'page', 0, 0, Number.MAX_SAFE_INTEGER);
    const pageSize = intParam(query['page-size'], 'page-size', 100, 1, 1000);
    const compare = parseSort(param(query['sort']));
    const filter = parseFilter(param(query['filter']));
    const all = [...state.users.values()]
      .map(proUser)
      .filter((u) => !filter || filter(rsqlRecord(u)))
      .sort(compare);
    const totalCount = all.length;
    return {
      page,
      pageSize,
      totalCount,
      totalPages: Math.ceil(totalCount / pageSize),
      hasNext: (page + 1) * pageSize < totalCount,
      hasPrevious: page > 0,
      results: all.slice(page * pageSize, (page + 1) * pageSize),
    };
  });

  app.get('/api/v1/users/:id', usersApi, async (request) => {
    requirePrivilege(ctx, request, PRIVILEGES.readUser);
    const { id } = request.params as { id: string };
    const user = /^\d+$/.test(id) ? state.users.get(Number(id)) : undefined;
    if (!user) throw new SimError(404, 'User not found', { code: 'NOT_FOUND', field: 'id' });
    return proUser(user);
  });
}
