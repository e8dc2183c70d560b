/**
 * `npm run bench -- --profile-summary FILE.cpuprofile… [--top=N]`: where a V8 CPU profile (from
 * `node --cpu-prof`) spent its time. Self time of every sample, summed by area (a directory of
 * src/, an npm package, Node's internals), by file and by function, as a share of the busy time
 * (idle excluded). Native code (JSON.stringify, a write syscall, a regex) has no script of its
 * own and is charged to its nearest JavaScript caller in the file and function tables; the area
 * table charges it, and Node's own modules, to the nearest script outside Node, so a log line's
 * `writeString` counts for sonic-boom (logging) and a socket `writev` for fastify or undici. Self time is where the CPU was, not who asked for it: the function table names
 * the hot spots, the area table says whose they are.
 */
import { readFileSync } from 'node:fs';
import { renderTable, type Row } from './report.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a script URL belongs: `src/scim`, `pino`, `node:internal`, … */
export function areaOf(url: string): string {
  if (url === '') return '(native / V8)';
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url.split('/')[0] ?? url;
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1] as string;
  const own = /\/(src|dist|bench|test)\/(?:([^/]+)\/)?[^/]+$/.exec(path);
  if (own) return own[2] !== undefined ? `${own[1]}/${own[2]}` : (own[1] as string);
  return path;
}

const shortFile = (url: string): string => {
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/(.+)$/.exec(path);
  if (pkg) return pkg[1] as string;
  const own = /\/((?:src|dist|bench|test)\/.+)$/.exec(path);
  return own ? (own[1] as string) : path || '(native / V8)';
};

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  busyMs: number;
  byArea: Map<string, number>;
  byFile: Map<string, number>;
  byFunction: Map<string, number>;
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  /** Native code (JSON, a write syscall, a regex) has no URL: it is charged to its nearest JS caller. */
  const caller = (id: number): ProfileNode | undefined => {
    for (let p = parent.get(id); p; p = parent.get(p.id)) if (p.callFrame.url !== '') return p;
    return undefined;
  };
  /** The area is that of the nearest frame outside Node itself: a socket write counts for fastify or undici, a file write for pino's sonic-boom. */
  const owner = (id: number): string | undefined => {
    for (let n = nodes.get(id); n; n = parent.get(n.id)) {
      const url = n.callFrame.url;
      if (url !== '' && !url.startsWith('node:')) return url;
    }
    return undefined;
  };
  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const out: ProfileSummary = { totalMs: 0, idleMs: 0, busyMs: 0, byArea: new Map(), byFile: new Map(), byFunction: new Map() };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const [id, ms] of selfMs) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    out.totalMs += ms;
    if (frame.functionName === '(idle)') {
      out.idleMs += ms;
      continue;
    }
    // (garbage collector) and (program) have no caller: they stay apart.
    if (frame.url === '' && frame.functionName.startsWith('(')) {
      for (const m of [out.byArea, out.byFile, out.byFunction]) add(m, frame.functionName, ms);
      continue;
    }
    const js = frame.url !== '' ? frame : caller(id)?.callFrame;
    const url = js?.url ?? '';
    add(out.byArea, areaOf(owner(id) ?? url), ms);
    add(out.byFile, shortFile(url), ms);
    const name = frame.functionName || '(anonymous)';
    const where = frame.url !== '' ? ` ${shortFile(frame.url)}:${frame.lineNumber + 1}` : js ? ` (native, from ${js.functionName || '(anonymous)'} ${shortFile(js.url)}:${js.lineNumber + 1})` : ' (native)';
    add(out.byFunction, `${name}${where}`, ms);
  }
  out.busyMs = out.totalMs - out.idleMs;
  return out;
}

function top(m: Map<string, number>, busyMs: number, n: number, label: string): Row[] {
  return [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => ({ [label]: k, 'self ms': Math.round(ms), '% of busy': Math.round((ms / busyMs) * 1000) / 10 }));
}

export function renderProfileSummary(file: string, topN = 25): string {
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const head = `${file}: ${Math.round(s.totalMs)} ms sampled, ${Math.round(s.busyMs)} ms busy (${Math.round((s.busyMs / s.totalMs) * 100)} %), ${Math.round(s.idleMs)} ms idle`;
  return [
    head,
    '',
    renderTable({ title: 'self time by area', rows: top(s.byArea, s.busyMs, topN, 'area') }),
    renderTable({ title: 'self time by file', rows: top(s.byFile, s.busyMs, topN, 'file') }),
    renderTable({ title: 'self time by function', rows: top(s.byFunction, s.busyMs, topN, 'function') }),
  ].join('\n');
}
