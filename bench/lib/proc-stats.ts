/** CPU time and memory of a process from /proc (Linux), for per-process benchmark figures. */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86_64

export interface ProcSample {
  /** user + system CPU seconds consumed so far. */
  cpuSeconds: number;
  rssMb: number;
  /** Peak resident set size (VmHWM). */
  peakRssMb: number;
}

/** Samples a process; undefined when it has exited. */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { cpuSeconds: (utime + stime) / CLK_TCK, rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/** CPU utilisation (1.0 = one core) between two samples taken `seconds` apart. */
export function cpuShare(a: ProcSample | undefined, b: ProcSample | undefined, seconds: number): number {
  if (!a || !b || seconds <= 0) return 0;
  return (b.cpuSeconds - a.cpuSeconds) / seconds;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  if (s.length === 0) return 0;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Pids of the processes whose parent is `ppid`. */
export function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === ppid) out.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/**
 * Proportional set size (MB): RSS with each shared page divided among the processes mapping it —
 * what a process adds to the machine's memory when many node processes share the binary's pages.
 */
export function pssMb(pid: number): number {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Where a process's resident memory is: pages of its executable (the node binary), and private (anonymous) memory. */
export interface RssBreakdown {
  /** Resident pages mapped from the process's executable: shared with every process of that binary. */
  executableMb: number;
  /** Resident anonymous pages (heaps, malloc, stacks): the process's own. */
  anonymousMb: number;
}

/** RSS of `pid` split by mapping (/proc/<pid>/smaps): its executable's pages and anonymous memory. */
export function rssBreakdown(pid: number): RssBreakdown {
  try {
    const exe = readlinkSync(`/proc/${pid}/exe`);
    let executable = 0;
    let anonymous = 0;
    let current = "";
    for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
      const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (header) {
        current = header[1]!;
        continue;
      }
      const rss = /^Rss:\s+(\d+) kB/.exec(line);
      if (!rss) continue;
      if (current === exe) executable += Number(rss[1]);
      else if (current === "" || current === "[heap]" || current.startsWith("[stack")) anonymous += Number(rss[1]);
    }
    return { executableMb: executable / 1024, anonymousMb: anonymous / 1024 };
  } catch {
    return { executableMb: NaN, anonymousMb: NaN };
  }
}
