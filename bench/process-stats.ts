import { readFileSync } from 'node:fs';

/** Linux clock ticks per second for /proc/<pid>/stat (`getconf CLK_TCK`; 100 on every Linux we run). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface MemorySample {
  /** Resident set size now, in MiB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), in MiB. */
  hwmMb: number;
}

function readKilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/** VmRSS and VmHWM from /proc/<pid>/status; undefined once the process is gone. */
export function readMemory(pid: number): MemorySample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssMb: readKilobytes(status, 'VmRSS') / 1024, hwmMb: readKilobytes(status, 'VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** User + system CPU time of the process so far, in milliseconds (utime + stime of /proc/<pid>/stat). */
export function readCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export interface ProcessWindow {
  cpuMs: number;
  peakRssMb: number;
  startRssMb: number;
  endRssMb: number;
  /** RSS over time (seconds since start, MiB), at most `maxPoints` points. */
  series: [number, number][];
}

/**
 * Samples one process's RSS every `intervalMs` and its CPU time at start and stop, so a scenario can
 * report peak memory and CPU per request.
 *
 * @example
 * const watch = watchProcess(pid); await runLoad(); const window = watch.stop(); // window.cpuMs / requests
 */
export function watchProcess(pid: number, intervalMs = 200, maxPoints = 240) {
  const startedAt = performance.now();
  const startCpu = readCpuMs(pid);
  const startRss = readMemory(pid)?.rssMb ?? 0;
  let peak = startRss;
  let last = startRss;
  const series: [number, number][] = [[0, startRss]];
  const timer = setInterval(() => {
    const rss = readMemory(pid)?.rssMb;
    if (rss === undefined) return;
    last = rss;
    if (rss > peak) peak = rss;
    series.push([(performance.now() - startedAt) / 1000, rss]);
  }, intervalMs);
  return {
    stop(): ProcessWindow {
      clearInterval(timer);
      const rss = readMemory(pid)?.rssMb ?? last;
      peak = Math.max(peak, rss);
      series.push([(performance.now() - startedAt) / 1000, rss]);
      return {
        cpuMs: readCpuMs(pid) - startCpu,
        peakRssMb: peak,
        startRssMb: startRss,
        endRssMb: rss,
        series: downsample(series, maxPoints),
      };
    },
  };
}

/** Keeps every k-th point (and the last) so long runs stay small in the results file. */
export function downsample<T>(points: T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return points;
  const step = Math.ceil(points.length / maxPoints);
  const kept = points.filter((_, index) => index % step === 0);
  const last = points[points.length - 1];
  if (last !== undefined && kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}
