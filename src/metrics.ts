import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type LifecycleEvent = 'created' | 'deactivated' | 'reactivated' | 'deleted' | 'group_created' | 'group_deleted';

export interface GroupWriterStats {
  puts: number;
  changes: number;
  waiting: number;
}

export interface JamfQueueStats {
  inFlight: number;
  queued: number;
}

/** One registry per app, so tests and several apps in one process do not share counters. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  let queueStats: () => JamfQueueStats = () => ({ inFlight: 0, queued: 0 });

  const scimRequests = new Counter({
    name: 'scim_requests_total',
    help: 'SCIM requests by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const scimLatency = new Histogram({
    name: 'scim_request_duration_seconds',
    help: 'SCIM request latency',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const jamfCalls = new Counter({
    name: 'jamf_calls_total',
    help: 'Calls to Jamf Pro by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const jamfLatency = new Histogram({
    name: 'jamf_call_duration_seconds',
    help: 'Jamf Pro call latency',
    labelNames: ['method', 'route'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const tokenRefreshes = new Counter({ name: 'jamf_token_refreshes_total', help: 'Jamf Pro tokens obtained', registers: [registry] });
  const lifecycle = new Counter({
    name: 'scim_lifecycle_events_total',
    help: 'Users created, deactivated, reactivated, deleted; groups created, deleted',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const jamfUp = new Gauge({
    name: 'jamf_up',
    help: 'Jamf Pro reachable (1) or not (0: its last calls failed to connect, timed out or got 502/503/504); 1 before any call',
    registers: [registry],
  });
  // Before the first call nothing says Jamf is down; 0 would page someone at every start.
  jamfUp.set(1);
  const jamfLastSuccess = new Gauge({
    name: 'jamf_last_success_timestamp_seconds',
    help: 'Unix time of the last Jamf Pro call answered with a status below 500; 0 before any',
    registers: [registry],
  });
  const jamfOutages = new Counter({ name: 'jamf_outages_total', help: 'Times Jamf Pro became unreachable', registers: [registry] });
  const auditFailures = new Counter({
    name: 'audit_write_failures_total',
    help: 'Audit entries the state store could not take (each is in the error log instead)',
    registers: [registry],
  });
  let missingPrivileges: () => ReadonlyArray<{ privilege: string }> = () => [];
  new Gauge({
    name: 'jamf_missing_privilege',
    help: 'API role privileges Jamf Pro refused this server (1 each, by privilege name); none while all are granted',
    labelNames: ['privilege'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const m of missingPrivileges()) this.set({ privilege: m.privilege }, 1);
    },
  });
  let groupWriterStats: () => GroupWriterStats = () => ({ puts: 0, changes: 0, waiting: 0 });
  let usersWaiting: () => number = () => 0;
  new Gauge({
    name: 'scim_requests_waiting_for_user',
    help: 'SCIM requests waiting for another request on the same user to finish (one owner per user)',
    registers: [registry],
    collect() {
      this.set(usersWaiting());
    },
  });
  new Gauge({
    name: 'scim_group_changes_waiting',
    help: 'Group changes waiting behind a write in flight to the same Jamf group (merged into its next PUT)',
    registers: [registry],
    collect() {
      this.set(groupWriterStats().waiting);
    },
  });
  new Gauge({
    name: 'jamf_group_puts_total',
    help: 'Jamf group PUTs sent by the group writer (fewer than scim_group_changes_written_total when changes were merged)',
    registers: [registry],
    collect() {
      this.set(groupWriterStats().puts);
    },
  });
  new Gauge({
    name: 'scim_group_changes_written_total',
    help: 'Group changes carried by those PUTs',
    registers: [registry],
    collect() {
      this.set(groupWriterStats().changes);
    },
  });
  new Gauge({
    name: 'jamf_queue_depth',
    help: 'Jamf Pro calls waiting for a free connection',
    registers: [registry],
    collect() {
      this.set(queueStats().queued);
    },
  });
  new Gauge({
    name: 'jamf_in_flight',
    help: 'Jamf Pro calls in flight',
    registers: [registry],
    collect() {
      this.set(queueStats().inFlight);
    },
  });

  // The labelled children of each route/method/status seen, so a request does not build and
  // validate label objects on every observation. Routes are templates, methods and statuses few:
  // the map stays small (the bound only guards against a surprise).
  const scimChildren = new Map<string, { count: { inc(): void }; latency: { observe(v: number): void } }>();
  const scimChild = (route: string, method: string, status: number) => {
    const key = `${status} ${method} ${route}`;
    let child = scimChildren.get(key);
    if (child === undefined) {
      if (scimChildren.size >= 1000) scimChildren.clear();
      child = { count: scimRequests.labels(route, method, String(status)), latency: scimLatency.labels(route, method) };
      scimChildren.set(key, child);
    }
    return child;
  };

  return {
    registry,
    observeScim(route: string, method: string, status: number, seconds: number) {
      const child = scimChild(route, method, status);
      child.count.inc();
      child.latency.observe(seconds);
    },
    observeJamf(e: { method: string; route: string; status: number | 'error'; ms: number }) {
      jamfCalls.inc({ method: e.method, route: e.route, status: String(e.status) });
      jamfLatency.observe({ method: e.method, route: e.route }, e.ms / 1000);
    },
    /** Jamf Pro answered a call (status below 500). */
    jamfAnswered(atMs: number) {
      jamfUp.set(1);
      jamfLastSuccess.set(atMs / 1000);
    },
    /** Jamf Pro just became unreachable; called once per outage. */
    jamfOutage() {
      jamfUp.set(0);
      jamfOutages.inc();
    },
    tokenRefreshed() {
      tokenRefreshes.inc();
    },
    auditFailed() {
      auditFailures.inc();
    },
    lifecycle(event: LifecycleEvent) {
      lifecycle.inc({ event });
    },
    setQueueStats(fn: () => JamfQueueStats) {
      queueStats = fn;
    },
    setGroupWriterStats(fn: () => GroupWriterStats) {
      groupWriterStats = fn;
    },
    setUsersWaiting(fn: () => number) {
      usersWaiting = fn;
    },
    setMissingPrivileges(fn: () => ReadonlyArray<{ privilege: string }>) {
      missingPrivileges = fn;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
