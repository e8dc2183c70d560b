/**
 * CPU time and RSS of a child process read from Linux's /proc, so the server measured is the
 * production process itself (`node dist/server.js`) and needs no measuring code of its own.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcUsage {
  /** VmRSS now, bytes. */
  rss: number;
  /** Highest VmRSS sampled every 50 ms since start or the last `resetPeak`, bytes. */
  peakRss: number;
  /** VmHWM: the kernel's own peak RSS since start or the last `resetPeak`, bytes. */
  maxRss: number;
  /** utime + stime since start, ms (resolution 1 / CLK_TCK, 10 ms on Linux). */
  cpuMs: number;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at `state`, field 3;
  // utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
}

export interface ProcSampler {
  usage(): ProcUsage;
  /** Starts a new peak: the sampled one and the kernel's VmHWM (`clear_refs` 5). */
  resetPeak(): void;
  stop(): void;
}

/** Samples VmRSS every 50 ms until `stop` (or until the process is gone). */
export function sampleProcess(pid: number): ProcSampler {
  let peak = 0;
  let last: ProcUsage | undefined;
  const sample = () => {
    try {
      peak = Math.max(peak, statusKb(pid, 'VmRSS'));
    } catch {
      clearInterval(timer);
    }
  };
  const timer = setInterval(sample, 50);
  timer.unref();
  sample();
  return {
    usage() {
      try {
        sample();
        last = { rss: statusKb(pid, 'VmRSS'), peakRss: peak, maxRss: statusKb(pid, 'VmHWM'), cpuMs: cpuMsOf(pid) };
      } catch (err) {
        // The process has exited: the last reading is the best there is.
        if (last) return last;
        throw err;
      }
      return last;
    },
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // Kernels before 4.0 or a hardened /proc: VmHWM then stays the lifetime peak.
      }
      peak = 0;
      sample();
    },
    stop: () => clearInterval(timer),
  };
}
