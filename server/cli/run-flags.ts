/** The flags of `flowctl run` / `flowctl start`, parsed once with zod, and the checks across them. */
import { z } from "zod";
import { FlowError } from "../core/errors";
import { parseDuration } from "../core/units";
import type { ControlPlaneTlsFiles } from "../engine/run-types";
import { resolveTlsClientFlags, tlsClientFlagsShape } from "./control-plane-options";

/** A duration flag (`500ms`, `30s`, `2m`); parseFlags prefixes the flag name to the message. */
const duration = () =>
  z
    .string()
    .transform((s, ctx) => {
      const ms = parseDuration(s);
      if (ms === undefined) ctx.addIssue({ code: "custom", message: `invalid duration ${JSON.stringify(s)} (use e.g. 500ms, 30s, 2m)` });
      return ms ?? 0;
    });

export const runFlagsSchema = z.object({
  // Unset: 8080, or a free port when 8080 is busy (run-control-plane.ts).
  controlPlanePort: z.coerce.number().int().min(0).max(65535).optional(),
  controlPlaneAddress: z.string().min(1).default("127.0.0.1"),
  useExternalControlPlane: z.boolean().default(false),
  dbPath: z.string().min(1).optional(),
  persistence: z.boolean().default(true),
  logDir: z.string().min(1).optional(),
  // Unset: on when stdout is a terminal.
  showStatus: z.boolean().optional(),
  statusInterval: duration().default(5_000),
  heartbeatTtl: duration().default(30_000),
  for: duration().optional(),
  // Unset: 30s, or 10m in attach mode (containers pulling images, pods being scheduled).
  registrationTimeout: duration().optional(),
  attach: z.boolean().default(false),
  gracePeriod: duration().default(10_000),
  componentLogs: z.boolean().default(true),
  metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
  // TLS towards an external control plane (same flags and checks as `flowctl status`).
  ...tlsClientFlagsShape,
});
export type RunFlags = z.output<typeof runFlagsSchema>;

/** How long each component may take to register: the flag, else 30 s (10 min in attach mode). */
export function registrationTimeoutOf(flags: Pick<RunFlags, "registrationTimeout" | "attach">): number {
  return flags.registrationTimeout ?? (flags.attach ? 600_000 : 30_000);
}

/**
 * Throws for flags that cannot be combined; returns the external control plane's TLS settings
 * (absolute paths, FLOWCTL_TLS_SERVER_NAME from the environment), undefined without TLS.
 */
export function assertRunFlags(flags: RunFlags, env: Record<string, string | undefined> = process.env): ControlPlaneTlsFiles | undefined {
  if (flags.useExternalControlPlane && flags.controlPlanePort === 0) {
    throw new FlowError("INVALID_ARGUMENT", "--control-plane-port: an external control plane needs its real port, not 0");
  }
  if (flags.attach && flags.useExternalControlPlane) {
    throw new FlowError("INVALID_ARGUMENT", "--attach: the components register with the run's own control plane (--control-plane-address/--control-plane-port), not an external one; drop --use-external-control-plane");
  }
  const tlsFlag = flags.tlsCaCert ? "--tls-ca-cert" : flags.tlsCert ? "--tls-cert" : flags.tlsKey ? "--tls-key" : undefined;
  if (tlsFlag && !flags.useExternalControlPlane) {
    // The embedded control plane listens on loopback in plaintext; TLS is for one elsewhere.
    throw new FlowError("INVALID_ARGUMENT", `${tlsFlag}: TLS flags apply to an external control plane only (add --use-external-control-plane); the embedded one serves plaintext on ${flags.controlPlaneAddress}`);
  }
  const files = resolveTlsClientFlags(flags);
  const serverName = env.FLOWCTL_TLS_SERVER_NAME?.trim();
  return files ? { ...files, ...(serverName ? { serverName } : {}) } : undefined;
}
