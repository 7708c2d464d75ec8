/**
 * Which control plane a command talks to: the one its flags name, else the one running from this
 * directory (its discovery file under `.flowctl/discovery`), else `127.0.0.1:8080`. With several
 * running, the newest wins unless the command prefers one (the run it stops), and a note names the
 * others with the exact flag that selects each.
 */
import { FlowError } from "../core/errors";
import { describeDiscoveryEntry, discoveryDir, readDiscovery, type DiscoveryEntry } from "../lifecycle/discovery";
import type { ControlPlaneClientOptions } from "./control-plane-client";
import { toClientOptions, type ControlPlaneClientFlags } from "./control-plane-options";

/** The chosen control plane and how it was chosen. */
export interface ControlPlaneTarget {
  options: ControlPlaneClientOptions;
  source: "flags" | "discovered" | "default";
  /** The discovery entry used, when discovered. */
  entry?: DiscoveryEntry;
  /** A line for stderr when the choice is worth telling (several are running). */
  note?: string;
}

/** True when the user named a control plane (address, port or host:port). */
export function namesControlPlane(flags: ControlPlaneClientFlags): boolean {
  return flags.controlPlaneAddr !== undefined || flags.controlPlaneAddress !== undefined || flags.controlPlanePort !== undefined;
}

/**
 * Chooses among discovered control planes (pure: the entries are passed in). `prefer` picks the
 * entry a command needs when several run (e.g. the one executing the run it stops).
 */
export function chooseControlPlane(
  flags: ControlPlaneClientFlags,
  discovered: readonly DiscoveryEntry[],
  opts: { env?: Record<string, string | undefined>; prefer?: (e: DiscoveryEntry) => boolean; cwd?: string } = {},
): ControlPlaneTarget {
  const env = opts.env ?? process.env;
  if (namesControlPlane(flags)) return { options: toClientOptions(flags, env), source: "flags" };
  const base = toClientOptions(flags, env);
  const dir = discoveryDir(opts.cwd);
  if (discovered.length === 0) return { options: { ...base, origin: `none running from this directory (nothing in ${dir})` }, source: "default" };
  const entry = (opts.prefer && discovered.find(opts.prefer)) || discovered[0]!;
  if (entry.tls && !base.tlsCaCert) {
    throw new FlowError("INVALID_ARGUMENT", `the control plane at ${entry.endpoint} (${describeDiscoveryEntry(entry)}) serves TLS: pass --tls-ca-cert <ca.pem> (with --tls-cert/--tls-key for mTLS)`);
  }
  if (entry.tokenRequired && !base.token) {
    throw new FlowError("UNAUTHENTICATED", `the control plane at ${entry.endpoint} (${describeDiscoveryEntry(entry)}) requires a token: pass --token <token> or set FLOWCTL_TOKEN`);
  }
  const others = discovered.filter((e) => e !== entry);
  const note = others.length
    ? `note: ${discovered.length} control planes are running from this directory; using ${entry.endpoint} (${describeDiscoveryEntry(entry)}). ` +
      others.map((o) => `For ${describeDiscoveryEntry(o)}: --control-plane-addr ${o.endpoint}`).join("; ")
    : undefined;
  const options: ControlPlaneClientOptions = { ...base, address: entry.address, port: entry.port, origin: `${describeDiscoveryEntry(entry)}, found in ${dir}` };
  return { options, source: "discovered", entry, ...(note ? { note } : {}) };
}

/** {@link chooseControlPlane} over this directory's discovery files. */
export function findControlPlane(
  flags: ControlPlaneClientFlags,
  opts: { env?: Record<string, string | undefined>; prefer?: (e: DiscoveryEntry) => boolean; cwd?: string } = {},
): ControlPlaneTarget {
  const discovered = namesControlPlane(flags) ? [] : readDiscovery(opts.cwd ? { cwd: opts.cwd } : {}).entries;
  return chooseControlPlane(flags, discovered, opts);
}
