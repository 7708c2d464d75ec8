/**
 * Which registration the supervisor takes for one of its instances. A local user (or another run
 * on the same control plane) can register any component id; only the registration of the process
 * the engine spawned may receive the instance's data.
 *
 * - A registration claiming this run (metadata `flowctl_run_id`) must carry the instance proof
 *   made with the secret of the current spawn (FLOWCTL_INSTANCE_SECRET; the SDK does this).
 * - A registration claiming another run is never taken.
 * - A registration claiming no run comes from a foreign component (the Go SDK sends neither claim
 *   nor proof). It is taken only when its endpoint is on the port the engine assigned (PORT), so
 *   data goes to the port the spawned process listens on; built-in components always prove.
 */
import { endpointPort, INSTANCE_PROOF_METADATA_KEY, normalizeEndpoint, runIdOf, type ComponentInfo, type RegisteredComponent } from "../core/registry";
import { isLoopbackHost } from "../core/loopback";
import { verifyInstanceProof } from "../wire/instance-proof";

/** What the supervisor expects of one instance's registration. */
export interface RegistrationExpectation {
  runId: string;
  instanceId: string;
  /** Secret of the current spawn; undefined while no process of the instance is starting. */
  secret: string | undefined;
  /** The port handed to the process as PORT. */
  assignedPort: number | undefined;
  /** Refuse registrations without a proof (components known to use the SDK). */
  requireProof: boolean;
}

export type RegistrationVerdict = { accepted: true; verified: boolean } | { accepted: false; reason: string };

/** Checks the proof of a registration that claims the expected run. */
export function proofHolds(info: Pick<ComponentInfo, "id" | "endpoint" | "metadata">, e: Pick<RegistrationExpectation, "runId" | "secret">): boolean {
  if (!e.secret) return false;
  return verifyInstanceProof(e.secret, { runId: e.runId, componentId: info.id, endpoint: normalizeEndpoint(info.endpoint) }, info.metadata[INSTANCE_PROOF_METADATA_KEY]);
}

/** The supervisor's verdict on a registration of the instance's id. */
export function judgeRegistration(c: Pick<RegisteredComponent, "info">, e: RegistrationExpectation): RegistrationVerdict {
  const claimed = runIdOf(c.info);
  if (claimed !== undefined && claimed !== e.runId) return { accepted: false, reason: `it belongs to run ${claimed}` };
  if (claimed !== undefined) {
    return proofHolds(c.info, e) ? { accepted: true, verified: true } : { accepted: false, reason: "its instance proof does not match the secret given to the process this run started (FLOWCTL_INSTANCE_SECRET)" };
  }
  if (e.requireProof) return { accepted: false, reason: "it claims no run, and this component always registers with its run id and instance proof" };
  const port = endpointPort(c.info.endpoint);
  if (e.assignedPort !== undefined && port === e.assignedPort) return { accepted: true, verified: false };
  return { accepted: false, reason: `it claims no run and its endpoint ${JSON.stringify(c.info.endpoint)} is not on the port the engine assigned (PORT=${e.assignedPort ?? "?"})` };
}

/** What attach mode (`flowctl run --attach`) expects of a registration: no spawn, so no proof. */
export interface AttachedExpectation {
  runId: string;
  /** The run has a token (FLOWCTL_TOKEN): data-plane calls to the instance carry it. */
  tokenSet: boolean;
}

/**
 * The verdict in attach mode: the engine started nothing, so any registration of the id is taken
 * unless it claims another run, names no endpoint, or sits off-loopback while the run has no token
 * (its data plane would be open to the network; the token authenticates both directions).
 */
export function judgeAttachedRegistration(c: Pick<RegisteredComponent, "info">, e: AttachedExpectation): RegistrationVerdict {
  const claimed = runIdOf(c.info);
  if (claimed !== undefined && claimed !== e.runId) return { accepted: false, reason: `it belongs to run ${claimed}` };
  if (!c.info.endpoint || endpointPort(c.info.endpoint) === undefined) {
    return { accepted: false, reason: "it registered no host:port endpoint (the engine did not start it, so it cannot know where it listens)" };
  }
  const endpoint = normalizeEndpoint(c.info.endpoint);
  const host = endpoint.slice(0, endpoint.lastIndexOf(":"));
  if (!e.tokenSet && !isLoopbackHost(host)) {
    return { accepted: false, reason: `its endpoint ${endpoint} is not on loopback and the run has no token: set FLOWCTL_TOKEN (16+ characters) for the engine and every component, so that data-plane calls are authenticated` };
  }
  return { accepted: true, verified: false };
}
