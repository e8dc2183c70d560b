import type { FastifyInstance } from 'fastify';
import { requirePrivilege, type SimContext } from '../context.js';
import { SimError } from '../errors.js';
import { PRIVILEGES } from '../privileges.js';
import { jamfRoute } from '../route-meta.js';
import { parseRsql, RsqlError, type RsqlPredicate, type RsqlRecord } from '../rsql.js';
import type { NamedRecords } from '../records.js';
import type { SimUser } from '../types.js';
import { proUser } from '../user-record.js';
import { USERS_API_MIN_VERSION, versionString } from '../version.js';

/** Fields `filter` and `sort` may name (the string-valued keys of `User`, §3.1), read off the stored record. */
const FIELDS = {
  id: (u: SimUser) => String(u.id),
  username: (u: SimUser) => u.name,
  realname: (u: SimUser) => u.full_name,
  email: (u: SimUser) => u.email,
  phone: (u: SimUser) => u.phone_number,
  position: (u: SimUser) => u.position,
  managedAppleId: (u: SimUser) => u.managed_apple_id,
} as const;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];

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

interface Sort {
  compare: (a: SimUser, b: SimUser) => number;
  /** Set when the first key is the id: ids are unique, so it alone decides the order. */
  byId?: 'asc' | 'desc';
}

/** Shared: `localeCompare` with options builds a collator per call, far too slow for large sorts. */
const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** `sort=prop[:asc|desc],…`, default `id:asc` (§3.1). Ids compare as numbers, text without case. */
function parseSort(raw: string | undefined): Sort {
  const keys = (raw ?? 'id:asc').split(',').map((part) => {
    const [field = '', dir = 'asc', ...rest] = part.trim().split(':');
    if (!Object.hasOwn(FIELDS, field) || !['asc', 'desc'].includes(dir.toLowerCase()) || rest.length > 0) {
      throw invalid('sort', `Invalid sort criteria: ${part}`);
    }
    return { field: field as Field, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
  });
  const compare = (a: SimUser, b: SimUser): number => {
    for (const { field, sign } of keys) {
      const d = field === 'id' ? a.id - b.id : collator.compare(FIELDS[field](a), FIELDS[field](b));
      if (d !== 0) return d * sign;
    }
    return a.id - b.id;
  };
  const first = keys[0];
  return first?.field === 'id' ? { compare, byId: first.sign > 0 ? 'asc' : 'desc' } : { compare };
}

const rsqlRecord = (u: SimUser): RsqlRecord => {
  const record: RsqlRecord = {};
  for (const field of FIELD_NAMES) record[field] = FIELDS[field](u);
  return record;
};

function parseFilter(raw: string | undefined): RsqlPredicate | undefined {
  if (!raw) return undefined;
  try {
    return parseRsql(raw, FIELD_NAMES);
  } catch (err) {
    if (err instanceof RsqlError) throw new SimError(400, err.message, { code: 'INVALID_RSQL_FILTER', field: 'filter' });
    throw err;
  }
}

/**
 * Users in id order, rebuilt only when a user is stored or removed: sorting and mapping all
 * 50,000 users for each page of 100 cost 24 ms per page. Fields are read when a page is rendered,
 * so the order never serves stale values.
 */
function idOrder(): (users: NamedRecords<SimUser>) => SimUser[] {
  let cached: { version: number; users: NamedRecords<SimUser>; order: SimUser[] } | undefined;
  return (users) => {
    if (cached?.users !== users || cached.version !== users.version) {
      const order = [...users.values()];
      // Ids are allocated in increasing order, so the map's order is usually sorted already.
      if (order.some((u, i) => i > 0 && (order[i - 1] as SimUser).id > u.id)) order.sort((a, b) => a.id - b.id);
      cached = { version: users.version, users, order };
    }
    return cached.order;
  };
}

/** The users of one page, in the requested order. */
function pageOf(ordered: readonly SimUser[], sort: Sort, start: number, end: number): SimUser[] {
  if (sort.byId !== 'desc') return ordered.slice(start, end);
  const n = ordered.length;
  return ordered.slice(Math.max(0, n - end), Math.max(0, n - start)).reverse();
}

export function proUserRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { state } = ctx;
  const inIdOrder = idOrder();
  // The route exists only from 11.26 on; the pipeline answers 404 below that (§3.1).
  const usersApi = jamfRoute({ api: 'pro', minVersion: USERS_API_MIN_VERSION });

  app.get('/api/v1/jamf-pro-version', jamfRoute({ api: 'pro' }), async () => ({ version: versionString(ctx.knobs.version) }));

  app.get('/api/v1/users', usersApi, async (request) => {
    requirePrivilege(ctx, request, PRIVILEGES.readUser);
    const query = request.query as Record<string, unknown>;
    const page = intParam(query['page'], 'page', 0, 0, Number.MAX_SAFE_INTEGER);
    const pageSize = intParam(query['page-size'], 'page-size', 100, 1, 1000);
    const sort = parseSort(param(query['sort']));
    const filter = parseFilter(param(query['filter']));
    let ordered: readonly SimUser[];
    if (!filter && sort.byId) ordered = inIdOrder(state.users);
    else {
      const users = [...state.users.values()];
      ordered = (filter ? users.filter((u) => filter(rsqlRecord(u))) : users).sort(sort.byId ? (a, b) => a.id - b.id : sort.compare);
    }
    const totalCount = ordered.length;
    const start = page * pageSize;
    return {
      page,
      pageSize,
      totalCount,
      totalPages: Math.ceil(totalCount / pageSize),
      hasNext: (page + 1) * pageSize < totalCount,
      hasPrevious: page > 0,
      results: pageOf(ordered, sort, start, start + pageSize).map(proUser),
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
