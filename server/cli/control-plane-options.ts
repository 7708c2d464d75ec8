/**
 * Flags shared by the commands that talk to a running control plane (`status`, `pipelines …`), and
 * the TLS client flags also used by `flowctl run --use-external-control-plane`.
 */
import { accessSync, constants } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { FlowError } from "../core/errors";
import { outputFormatSchema } from "./output";
import type { ControlPlaneClientOptions } from "./control-plane-client";

/** zod fields of the TLS client flags (`--tls-ca-cert`, `--tls-cert`, `--tls-key`). */
export const tlsClientFlagsShape = {
  tlsCaCert: z.string().min(1).optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
};
type TlsClientFlags = { tlsCaCert?: string | undefined; tlsCert?: string | undefined; tlsKey?: string | undefined };

/** Adds the TLS client flags to a command. */
export function addTlsClientOptions(cmd: Command): Command {
  return cmd
    .option("--tls-ca-cert <file>", "connect with TLS, trusting this CA/certificate (PEM)")
    .option("--tls-cert <file>", "client certificate for mTLS (PEM; with --tls-key)")
    .option("--tls-key <file>", "client key for mTLS (PEM; with --tls-cert)");
}

/**
 * Checks the TLS client flags go together (cert with key, both with the CA) and name readable
 * files; returns their absolute paths, or undefined when TLS is off. Errors name the flag.
 */
export function resolveTlsClientFlags(flags: TlsClientFlags, cwd = process.cwd()): { caCert: string; cert?: string; key?: string } | undefined {
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) {
    throw new FlowError("INVALID_ARGUMENT", flags.tlsCert ? "--tls-cert: needs --tls-key (a client certificate goes with its key)" : "--tls-key: needs --tls-cert (a client key goes with its certificate)");
  }
  if (!flags.tlsCaCert) {
    if (flags.tlsCert) throw new FlowError("INVALID_ARGUMENT", "--tls-cert: needs --tls-ca-cert (the CA to trust; it turns TLS on)");
    return undefined;
  }
  const readable = (flag: string, file: string): string => {
    const abs = path.resolve(cwd, file);
    try {
      accessSync(abs, constants.R_OK);
    } catch (err) {
      throw new FlowError("INVALID_ARGUMENT", `${flag}: cannot read ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return abs;
  };
  return {
    caCert: readable("--tls-ca-cert", flags.tlsCaCert),
    ...(flags.tlsCert && flags.tlsKey ? { cert: readable("--tls-cert", flags.tlsCert), key: readable("--tls-key", flags.tlsKey) } : {}),
  };
}

/** zod schema of the shared flags (after commander). */
export const controlPlaneClientFlagsSchema = z.object({
  // No defaults here: unset means "the one running from this directory" (control-plane-target.ts).
  controlPlaneAddress: z.string().trim().min(1, "must not be empty").optional(),
  controlPlanePort: z.coerce.number().int("must be an integer").min(1, "must be 1-65535").max(65535, "must be 1-65535").optional(),
  /** Legacy `host:port`, overrides the two above (flowctl `--control-plane-addr`). */
  controlPlaneAddr: z
    .string()
    .regex(/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, "must be host:port")
    .optional(),
  token: z.string().min(1).optional(),
  ...tlsClientFlagsShape,
  output: outputFormatSchema.default("table"),
});
export type ControlPlaneClientFlags = z.output<typeof controlPlaneClientFlagsSchema>;

/** Adds the shared flags to a command. */
export function addControlPlaneClientOptions(cmd: Command): Command {
  return addTlsClientOptions(
    cmd
      .option("--control-plane-address <address>", "control plane address (default: the one running from this directory, else 127.0.0.1)")
      .option("--control-plane-port <port>", "control plane port (default: the one running from this directory, else 8080)")
      .option("--control-plane-addr <host:port>", "control plane as host:port (overrides address/port)")
      .option("--token <token>", "bearer token (default: $FLOWCTL_TOKEN)"),
  ).option("-o, --output <format>", "table | json | yaml", "table");
}

/** Client options from the parsed flags and the environment (unset address/port: 127.0.0.1:8080). */
export function toClientOptions(flags: ControlPlaneClientFlags, env: Record<string, string | undefined> = process.env): ControlPlaneClientOptions {
  let address = flags.controlPlaneAddress ?? "127.0.0.1";
  let port = flags.controlPlanePort ?? 8080;
  if (flags.controlPlaneAddr) {
    const i = flags.controlPlaneAddr.lastIndexOf(":");
    address = flags.controlPlaneAddr.slice(0, i).replace(/^\[|\]$/g, "");
    port = Number(flags.controlPlaneAddr.slice(i + 1));
  }
  const tls = resolveTlsClientFlags(flags);
  return { address, port, token: flags.token ?? (env.FLOWCTL_TOKEN || undefined), tlsCaCert: tls?.caCert, tlsCert: tls?.cert, tlsKey: tls?.key };
}
