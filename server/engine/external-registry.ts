/**
 * Registration tracking against a control plane in another process (`--use-external-control-plane`):
 * the same three operations the supervisor uses on the embedded registry, implemented by polling
 * `flowctl.v1.ControlPlaneService.ListComponents` and calling `UnregisterComponent`.
 */
import * as grpc from "@grpc/grpc-js";
import { OperationalError } from "../core/errors";
import type { ComponentInfo, RegisteredComponent } from "../core/registry";
import { services } from "../wire/protos";

/** What the supervisor needs from a registry. */
export interface RegistrationPort {
  waitForRegistration(id: string, opts: { signal?: AbortSignal; timeoutMs: number; since: Date }): Promise<RegisteredComponent>;
  findByComponentId(id: string): RegisteredComponent | undefined;
  /** May return a promise (remote registries); the supervisor awaits it. */
  unregister(serviceId: string): unknown;
}

const POLL_MS = 200;

interface WireStatus {
  component?: { id: string; name: string; description: string; version: string; type: string; inputEventTypes: string[]; outputEventTypes: string[]; endpoint: string; metadata: Record<string, string> };
  status: string;
  registeredAt?: { seconds: number; nanos: number };
  lastHeartbeat?: { seconds: number; nanos: number };
  metrics: Record<string, string>;
}

function toDate(t: { seconds: number; nanos: number } | undefined): Date {
  return t ? new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)) : new Date(0);
}

export class ExternalRegistry implements RegistrationPort {
  private readonly client: grpc.Client & Record<"ListComponents" | "UnregisterComponent", (...args: unknown[]) => unknown>;
  private readonly known = new Map<string, RegisteredComponent>();
  private readonly metadata = new grpc.Metadata();

  constructor(readonly endpoint: string, token?: string) {
    const Ctor = services.controlPlaneV1;
    this.client = new Ctor(endpoint, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<"ListComponents" | "UnregisterComponent", (...args: unknown[]) => unknown>;
    if (token) this.metadata.set("authorization", `Bearer ${token}`);
  }

  private list(): Promise<RegisteredComponent[]> {
    return new Promise((resolve, reject) => {
      this.client.ListComponents({ typeFilter: "COMPONENT_TYPE_UNSPECIFIED", includeUnhealthy: true }, this.metadata, { deadline: Date.now() + 5_000 }, (err: grpc.ServiceError | null, res: { components: WireStatus[] }) => {
        if (err) return reject(new OperationalError(`external control plane ${this.endpoint}: ${err.details || err.message}`, { cause: err }));
        resolve(
          res.components
            .filter((c) => c.component)
            .map((c) => {
              const info = c.component!;
              const component: ComponentInfo = { ...info, type: info.type.replace(/^COMPONENT_TYPE_/, "") as ComponentInfo["type"] };
              return {
                serviceId: info.id,
                info: component,
                status: c.status.replace(/^HEALTH_STATUS_/, "") as RegisteredComponent["status"],
                registeredAt: toDate(c.registeredAt),
                lastHeartbeat: toDate(c.lastHeartbeat),
                metrics: c.metrics,
              };
            }),
        );
      });
    });
  }

  async waitForRegistration(id: string, opts: { signal?: AbortSignal; timeoutMs: number; since: Date }): Promise<RegisteredComponent> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
      try {
        for (const c of await this.list()) {
          this.known.set(c.info.id, c);
          if (c.info.id === id && c.registeredAt.getTime() >= opts.since.getTime() - 1000) return c;
        }
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`component ${JSON.stringify(id)} did not register within ${opts.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, POLL_MS);
        opts.signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  }

  findByComponentId(id: string): RegisteredComponent | undefined {
    return this.known.get(id);
  }

  /** Rejects when the control plane refuses; the caller logs it (the janitor expires the entry anyway). */
  unregister(serviceId: string): Promise<void> {
    this.known.delete(serviceId);
    return new Promise((resolve, reject) =>
      this.client.UnregisterComponent({ serviceId }, this.metadata, { deadline: Date.now() + 5_000 }, (err: grpc.ServiceError | null) =>
        err && err.code !== grpc.status.NOT_FOUND ? reject(new OperationalError(`unregister ${serviceId} at ${this.endpoint}: ${err.details}`, { cause: err })) : resolve(),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}
