/**
 * Where the control plane of `flowctl run` (and `start`, `diagnose <file>`) is, and how other
 * commands learn about it: the embedded one's port (8080, or a free one when 8080 is busy), the
 * external one's endpoint (the flags, else a `flowctl server` or console running from this
 * directory).
 */
import { describeDiscoveryEntry, readDiscovery } from "../lifecycle/discovery";
import { chooseListenPort, DEFAULT_CONTROL_PLANE_PORT } from "./control-plane-port";

/** The run flags this module reads. */
export interface RunControlPlaneFlags {
  controlPlaneAddress: string;
  controlPlanePort?: number | undefined;
  /** True when --control-plane-address was given (it is defaulted before it gets here). */
  controlPlaneAddressGiven?: boolean;
  useExternalControlPlane: boolean;
  /** Attach mode: components started elsewhere were told the port, so 8080 never silently moves. */
  attach?: boolean;
}

/** The address and port to listen on or dial, with a note for the user when it was not asked for. */
export interface RunControlPlane {
  address: string;
  port: number;
  note?: string;
}

/** Resolves the control plane of a run before it starts. */
export async function resolveRunControlPlane(flags: RunControlPlaneFlags, cwd?: string): Promise<RunControlPlane> {
  if (!flags.useExternalControlPlane) {
    const requested = flags.controlPlanePort ?? (flags.attach ? DEFAULT_CONTROL_PLANE_PORT : undefined);
    const chosen = await chooseListenPort(flags.controlPlaneAddress, requested, "--control-plane-port", cwd);
    return { address: flags.controlPlaneAddress, ...chosen };
  }
  if (flags.controlPlanePort !== undefined || flags.controlPlaneAddressGiven) {
    return { address: flags.controlPlaneAddress, port: flags.controlPlanePort ?? DEFAULT_CONTROL_PLANE_PORT };
  }
  // A standalone server or a console accepts other engines' runs; another run's embedded one does not.
  const shared = readDiscovery(cwd ? { cwd } : {}).entries.find((e) => e.kind === "server" || e.kind === "console");
  if (!shared) return { address: flags.controlPlaneAddress, port: DEFAULT_CONTROL_PLANE_PORT };
  return { address: shared.address, port: shared.port, note: `using the control plane of ${describeDiscoveryEntry(shared)} at ${shared.endpoint}` };
}
