/** Flags shared by the commands that talk to a running control plane (`status`, `pipelines …`). */
import type { Command } from "commander";
import { z } from "zod";
import { outputFormatSchema } from "./output";
import type { ControlPlaneClientOptions } from "./control-plane-client";

/** zod schema of the shared flags (after commander). */
export const controlPlaneClientFlagsSchema = z.object({
  controlPlaneAddress: z.string().trim().min(1, "must not be empty").default("127.0.0.1"),
  controlPlanePort: z.coerce.number().int("must be an integer").min(1, "must be 1-65535").max(65535, "must be 1-65535").default(8080),
  /** Legacy `host:port`, overrides the two above (flowctl `--control-plane-addr`). */
  controlPlaneAddr: z
    .string()
    .regex(/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, "must be host:port")
    .optional(),
  token: z.string().min(1).optional(),
  tlsCaCert: z.string().min(1).optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  output: outputFormatSchema.default("table"),
});
export type ControlPlaneClientFlags = z.output<typeof controlPlaneClientFlagsSchema>;

/** Adds the shared flags to a command. */
export function addControlPlaneClientOptions(cmd: Command): Command {
  return cmd
    .option("--control-plane-address <address>", "control plane address", "127.0.0.1")
    .option("--control-plane-port <port>", "control plane port", "8080")
    .option("--control-plane-addr <host:port>", "control plane as host:port (overrides address/port)")
    .option("--token <token>", "bearer token (default: $FLOWCTL_TOKEN)")
    .option("--tls-ca-cert <file>", "connect with TLS, trusting this CA/certificate (PEM)")
    .option("--tls-cert <file>", "client certificate for mTLS (PEM)")
    .option("--tls-key <file>", "client key for mTLS (PEM)")
    .option("-o, --output <format>", "table | json | yaml", "table");
}

/** Client options from the parsed flags and the environment. */
export function toClientOptions(flags: ControlPlaneClientFlags, env: Record<string, string | undefined> = process.env): ControlPlaneClientOptions {
  let address = flags.controlPlaneAddress;
  let port = flags.controlPlanePort;
  if (flags.controlPlaneAddr) {
    const i = flags.controlPlaneAddr.lastIndexOf(":");
    address = flags.controlPlaneAddr.slice(0, i).replace(/^\[|\]$/g, "");
    port = Number(flags.controlPlaneAddr.slice(i + 1));
  }
  return { address, port, token: flags.token ?? (env.FLOWCTL_TOKEN || undefined), tlsCaCert: flags.tlsCaCert, tlsCert: flags.tlsCert, tlsKey: flags.tlsKey };
}
