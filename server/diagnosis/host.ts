/** The machine under the pipeline: its cores, how many are busy, and whether it is saturated. */
import type { HostWindow } from "./diagnosis-types";

/** Share of the host's cores in use above which adding processes on it cannot add throughput. */
export const HOST_SATURATED = 0.9;

/** Cores in use on the host: all of its work when measured, else the pipeline's own. */
export function busyCores(host: HostWindow | undefined): number | undefined {
  if (!host) return undefined;
  const busy = host.hostBusyCores ?? host.cpuUsedCores;
  return busy === null || busy === undefined ? undefined : Math.max(busy, host.cpuUsedCores ?? 0);
}

/** Idle cores on the host, or undefined when CPU use was not measured. */
export function idleCores(host: HostWindow | undefined): number | undefined {
  const busy = busyCores(host);
  return busy === undefined ? undefined : Math.max(0, host!.cpuCount - busy);
}

/** True when at least 90 % of the host's cores are busy. */
export function isHostSaturated(host: HostWindow | undefined): boolean {
  const busy = busyCores(host);
  return busy !== undefined && busy >= HOST_SATURATED * host!.cpuCount;
}

/** Cores busy with work other than the pipeline's processes, when measured and worth saying (≥ 0.1). */
export function otherWork(host: HostWindow): number | undefined {
  if (host.hostBusyCores == null || host.cpuUsedCores === null) return undefined;
  const other = host.hostBusyCores - host.cpuUsedCores;
  return other >= 0.1 ? other : undefined;
}
