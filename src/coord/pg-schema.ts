/**
 * The coordination tables, as named migration steps (src/store/pg-migrate.ts runs them once).
 * Every lease stores `expires_at` as milliseconds since the epoch on the writing replica's clock:
 * replicas compare it with their own clocks, so they must agree to well within the lease time
 * (NTP does that).
 */
export const COORD_STEPS: Array<{ name: string; sql: string }> = [
  {
    name: 'coord-1',
    sql: `
CREATE TABLE coord_locks (
  key text PRIMARY KEY,
  holder text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX coord_locks_holder ON coord_locks (holder);
CREATE INDEX coord_locks_expires ON coord_locks (expires_at);

CREATE TABLE coord_runs (
  key text PRIMARY KEY,
  holder text NOT NULL,
  expires_at bigint NOT NULL
);

-- One row per Jamf call slot; holder NULL = free. Rows are created up to the largest budget any
-- replica asked for, and a replica only takes slots below its own budget.
CREATE TABLE coord_jamf_slots (
  slot integer PRIMARY KEY,
  holder text,
  expires_at bigint NOT NULL DEFAULT 0
);
CREATE INDEX coord_jamf_slots_holder ON coord_jamf_slots (holder);

-- Replicas with Jamf calls queued that found no free slot; holders pass slots to them.
CREATE SEQUENCE coord_jamf_waiter_turn;
CREATE TABLE coord_jamf_waiters (
  holder text PRIMARY KEY,
  expires_at bigint NOT NULL,
  turn bigint NOT NULL DEFAULT nextval('coord_jamf_waiter_turn')
);

CREATE TABLE coord_auth_failures (
  id bigserial PRIMARY KEY,
  address text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX coord_auth_failures_address ON coord_auth_failures (address, at);
CREATE INDEX coord_auth_failures_at ON coord_auth_failures (at);
`,
  },
  {
    // A release notifies only when a take found the key held (pg-leases.ts).
    name: 'coord-2',
    sql: 'ALTER TABLE coord_locks ADD COLUMN waited boolean NOT NULL DEFAULT false;',
  },
];
