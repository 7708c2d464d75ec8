/**
 * Registration tracking against a control plane in another process (`--use-external-control-plane`):
 * the same three operations the supervisor uses on the embedded registry, implemented by polling
 * `flowctl.v1.ControlPlaneService.ListComponents` and calling `UnregisterComponent` — in plaintext or
 * over TLS/mTLS ({@link readControlPlaneTls}).
 */
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { InvalidArgumentError, OperationalError } from "../core/errors";
import { COMPONENT_KINDS, HEALTH_STATUSES, registryKey, runIdOf, type ComponentInfo, type RegisteredComponent } from "../core/registry";
import type { WaitForRegistrationOptions } from "../control-plane/registry";
import { z } from "zod";
import { controlPlaneChannel, tlsFailure, type ControlPlaneTlsPem } from "../wire/control-plane-tls";
import { services } from "../wire/protos";
import type { ControlPlaneTlsFiles } from "./run-types";

/** What the supervisor needs from a registry (the in-process ComponentRegistry or a remote one). */
export interface RegistrationPort {
  /** The first registration of `id` since `opts.since` that `opts.accept` takes. */
  waitForRegistration(id: string, opts: WaitForRegistrationOptions): Promise<RegisteredComponent>;
  /**
   * Removes `c` if its key still holds that registration (never another run's, never a newer
   * one). May return a promise (remote registries); the supervisor awaits it.
   */
  unregisterOwn(c: RegisteredComponent): unknown;
}

const POLL_MS = 200;

const timestampSchema = z.object({ seconds: z.coerce.number(), nanos: z.number() });

/** ListComponentsResponse as proto-loader delivers it (camelCase, enums as names, defaults on). */
const listResponseSchema = z.object({
  components: z.array(
    z.object({
      component: z
        .object({
          id: z.string(),
          name: z.string(),
          description: z.string(),
          version: z.string(),
          type: z.string().transform((t) => t.replace(/^COMPONENT_TYPE_/, "")).pipe(z.enum(COMPONENT_KINDS)),
          inputEventTypes: z.array(z.string()),
          outputEventTypes: z.array(z.string()),
          endpoint: z.string(),
          metadata: z.record(z.string(), z.string()),
        })
        .nullish(),
      status: z.string().transform((t) => t.replace(/^HEALTH_STATUS_/, "")).pipe(z.enum(HEALTH_STATUSES)),
      registeredAt: timestampSchema.nullish(),
      lastHeartbeat: timestampSchema.nullish(),
      metrics: z.record(z.string(), z.string()),
    }),
  ),
});

/**
 * Reads the PEM files of {@link ControlPlaneTlsFiles} once (the engine's channels share them).
 * Throws InvalidArgumentError naming the file that cannot be read.
 */
export function readControlPlaneTls(files: ControlPlaneTlsFiles): ControlPlaneTlsPem {
  const read = (field: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new InvalidArgumentError(field, `control plane TLS: cannot read ${field} ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  if ((files.cert === undefined) !== (files.key === undefined)) throw new InvalidArgumentError("tls", "control plane TLS: a client certificate and its key go together");
  return {
    ca: read("caCert", files.caCert),
    ...(files.cert !== undefined && files.key !== undefined ? { cert: read("cert", files.cert), key: read("key", files.key) } : {}),
    ...(files.serverName ? { serverName: files.serverName } : {}),
  };
}

/** The TLS handshake with the external control plane failed: a configuration error, never retried. */
export class ControlPlaneTlsError extends OperationalError {
  constructor(endpoint: string, what: string, reason: string, cause: unknown) {
    super(`external control plane ${endpoint}: ${what}: TLS connection failed: ${reason} (check --tls-ca-cert, and --tls-cert/--tls-key if it requires client certificates)`, { cause, retryable: false });
    this.name = "ControlPlaneTlsError";
  }
}

/** The error of a failed call to the external control plane ({@link ControlPlaneTlsError} for TLS failures). */
export function externalCallError(endpoint: string, what: string, err: grpc.ServiceError): OperationalError {
  const tls = tlsFailure(err);
  if (tls !== undefined) return new ControlPlaneTlsError(endpoint, what, tls, err);
  return new OperationalError(`external control plane ${endpoint}: ${what}: ${err.details || err.message}`, { cause: err });
}

function toDate(t: { seconds: number; nanos: number } | null | undefined): Date {
  return t ? new Date(t.seconds * 1000 + Math.floor(t.nanos / 1e6)) : new Date(0);
}

export class ExternalRegistry implements RegistrationPort {
  private readonly client: grpc.Client & Record<"ListComponents" | "UnregisterComponent", (...args: unknown[]) => unknown>;
  private readonly metadata = new grpc.Metadata();

  /** `tls`: PEM material from {@link readControlPlaneTls}; plaintext when absent. */
  constructor(readonly endpoint: string, token?: string, tls?: ControlPlaneTlsPem) {
    const Ctor = services.controlPlaneV1;
    const channel = controlPlaneChannel(tls);
    this.client = new Ctor(endpoint, channel.credentials, channel.options) as unknown as grpc.Client & Record<"ListComponents" | "UnregisterComponent", (...args: unknown[]) => unknown>;
    if (token) this.metadata.set("authorization", `Bearer ${token}`);
  }

  private list(): Promise<RegisteredComponent[]> {
    return new Promise((resolve, reject) => {
      this.client.ListComponents({ typeFilter: "COMPONENT_TYPE_UNSPECIFIED", includeUnhealthy: true }, this.metadata, { deadline: Date.now() + 5_000 }, (err: grpc.ServiceError | null, res: unknown) => {
        if (err) return reject(externalCallError(this.endpoint, "ListComponents", err));
        const parsed = listResponseSchema.safeParse(res);
        if (!parsed.success) return reject(new OperationalError(`external control plane ${this.endpoint}: unexpected ListComponents response (${parsed.error.issues[0]?.message ?? "invalid"})`, { retryable: false }));
        const out: RegisteredComponent[] = [];
        for (const c of parsed.data.components) {
          if (!c.component) continue;
          const info: ComponentInfo = c.component;
          // Our control plane keys run registrations by id@run; ListComponents does not carry the key.
          out.push({ serviceId: registryKey(info.id, runIdOf(info)), info, status: c.status, registeredAt: toDate(c.registeredAt), lastHeartbeat: toDate(c.lastHeartbeat), metrics: c.metrics });
        }
        resolve(out);
      });
    });
  }

  async waitForRegistration(id: string, opts: WaitForRegistrationOptions): Promise<RegisteredComponent> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
      try {
        for (const c of await this.list()) {
          // A second of slack: the server's clock stamps the registration, ours the spawn.
          if (c.info.id === id && c.registeredAt.getTime() >= opts.since.getTime() - 1000 && (opts.accept?.(c) ?? true)) return c;
        }
      } catch (err) {
        // Certificates do not fix themselves: a TLS failure ends the wait now, not at the deadline.
        if (Date.now() > deadline || err instanceof ControlPlaneTlsError) throw err;
      }
      if (Date.now() > deadline) throw new Error(`component ${JSON.stringify(id)} did not register within ${opts.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const onAbort = () => (clearTimeout(t), resolve());
        const t = setTimeout(() => {
          opts.signal?.removeEventListener("abort", onAbort);
          resolve();
        }, POLL_MS);
        opts.signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
  }

  /**
   * Unregisters `c` if the server still lists that registration (same id, run, endpoint and
   * registration time): another run's registration of the same id is never removed. A server that
   * keys by the plain id (the Go flowctl) answers NOT_FOUND for `id@run`; the plain id is then used.
   * Rejects when the control plane refuses; the caller logs it (the janitor expires the entry anyway).
   */
  async unregisterOwn(c: RegisteredComponent): Promise<void> {
    const current = (await this.list()).find(
      (x) => x.info.id === c.info.id && runIdOf(x.info) === runIdOf(c.info) && x.info.endpoint === c.info.endpoint && x.registeredAt.getTime() === c.registeredAt.getTime(),
    );
    if (!current) return;
    const removed = await this.unregister(current.serviceId);
    if (!removed && current.serviceId !== c.info.id) await this.unregister(c.info.id);
  }

  /** Resolves false when the server does not know `serviceId`. */
  private unregister(serviceId: string): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.client.UnregisterComponent({ serviceId }, this.metadata, { deadline: Date.now() + 5_000 }, (err: grpc.ServiceError | null) => {
        if (!err) resolve(true);
        else if (err.code === grpc.status.NOT_FOUND) resolve(false);
        else reject(externalCallError(this.endpoint, `unregister ${serviceId}`, err));
      }),
    );
  }

  close(): void {
    this.client.close();
  }
}
