/** The engine options of `flowctl run` / `flowctl start`, from their flags and the environment. */
import { createConsoleSink } from "../drivers/process/log-stream";
import type { ControlPlaneTlsFiles, RunPipelineOptions } from "../engine/run-types";
import { formatEndpoint } from "../lifecycle/discovery";
import { registrationTimeoutOf, type RunFlags } from "./run-flags";

/**
 * Everything of RunPipelineOptions the flags decide (the pipeline, store and metrics come from the
 * session); `cp` is the control plane address and port resolved for this run (run-control-plane.ts).
 */
export function runOptionsFromFlags(
  flags: RunFlags,
  ctx: { cp: { address: string; port: number }; tls: ControlPlaneTlsFiles | undefined; env: Record<string, string | undefined>; console: (line: string) => void },
): Pick<RunPipelineOptions, "controlPlane" | "logDir" | "registrationTimeoutMs" | "gracePeriodMs" | "runForMs" | "console" | "attach"> {
  const token = ctx.env.FLOWCTL_TOKEN ? { token: ctx.env.FLOWCTL_TOKEN } : {};
  return {
    controlPlane: flags.useExternalControlPlane
      ? { mode: "external", endpoint: formatEndpoint(ctx.cp.address, ctx.cp.port), ...token, ...(ctx.tls ? { tls: ctx.tls } : {}) }
      : { mode: "embedded", address: ctx.cp.address, port: ctx.cp.port, heartbeatTtlMs: flags.heartbeatTtl, ...token },
    ...(flags.logDir ? { logDir: flags.logDir } : {}),
    registrationTimeoutMs: registrationTimeoutOf(flags),
    ...(flags.attach ? { attach: true } : {}),
    gracePeriodMs: flags.gracePeriod,
    ...(flags.for !== undefined ? { runForMs: flags.for } : {}),
    console: flags.componentLogs ? createConsoleSink(ctx.console) : false,
  };
}

/** "embedded", "external", with ", TLS" / ", mTLS" (the preflight block). */
export function controlPlaneLabel(flags: RunFlags, tls: ControlPlaneTlsFiles | undefined): string {
  return `${flags.useExternalControlPlane ? "external" : flags.attach ? "embedded, attach: components register here" : "embedded"}${tls ? (tls.cert ? ", mTLS" : ", TLS") : ""}`;
}
