/**
 * The CLI's client for a running control plane (`flowctl status`, `flowctl pipelines …`): typed,
 * promise-based calls over server/wire's service definitions, bearer token and TLS, and the
 * original's friendly message when nothing is listening.
 */
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { FlowError, InvalidArgumentError, NotFoundError } from "../core/errors";
import type { ComponentKind, HealthStatus, RegisteredComponent } from "../core/registry";
import { services } from "../wire/protos";

/** Where and how to reach the control plane. */
export interface ControlPlaneClientOptions {
  address: string;
  port: number;
  /** Bearer token (FLOWCTL_TOKEN). */
  token?: string;
  /** PEM file of the CA/certificate to trust; enables TLS. */
  tlsCaCert?: string;
  /** Client certificate and key files, for mTLS. */
  tlsCert?: string;
  tlsKey?: string;
  /** Per-call deadline. @default 10000 */
  timeoutMs?: number;
  /** How this address was found, for the "not reachable" message (e.g. a discovery file). */
  origin?: string | undefined;
}

/** A run as the legacy wire reports it (INTERRUPTED arrives as FAILED with its error). */
export type { RunView } from "../services/run-history.service";
import type { RunView } from "../services/run-history.service";

type WireTs = { seconds?: number | string; nanos?: number } | null | undefined;
const fromTs = (t: WireTs): Date | null => (t && Number(t.seconds) > 0 ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)) : null);

interface WireStatus {
  component: { id: string; name: string; description: string; version: string; type: string; inputEventTypes: string[]; outputEventTypes: string[]; endpoint: string; metadata: Record<string, string> };
  status: string;
  lastHeartbeat: WireTs;
  registeredAt: WireTs;
  metrics: Record<string, string>;
}

interface WireRun {
  runId: string;
  pipelineName: string;
  status: string;
  startTime: WireTs;
  endTime: WireTs;
  error: string;
  componentIds: string[];
  metrics: { eventsProcessed: number; eventsPerSecond: number; bytesProcessed: number } | null;
}

function toComponent(s: WireStatus): RegisteredComponent {
  return {
    serviceId: s.component.id,
    info: { ...s.component, type: s.component.type.replace(/^COMPONENT_TYPE_/, "") as ComponentKind },
    status: s.status.replace(/^HEALTH_STATUS_/, "") as HealthStatus,
    registeredAt: fromTs(s.registeredAt) ?? new Date(0),
    lastHeartbeat: fromTs(s.lastHeartbeat) ?? new Date(0),
    metrics: s.metrics,
  };
}

function toRun(r: WireRun): RunView {
  return {
    runId: r.runId,
    pipelineName: r.pipelineName,
    status: r.status.replace(/^RUN_STATUS_/, "").toLowerCase() as RunView["status"],
    startedAt: fromTs(r.startTime),
    endedAt: fromTs(r.endTime),
    error: r.error,
    componentIds: r.componentIds,
    eventsProcessed: Number(r.metrics?.eventsProcessed ?? 0),
    eventsPerSecond: Number(r.metrics?.eventsPerSecond ?? 0),
    bytesProcessed: Number(r.metrics?.bytesProcessed ?? 0),
  };
}

/** Client for both control-plane services. Call {@link ControlPlaneClient.close} when done. */
export class ControlPlaneClient {
  private readonly v1: grpc.Client;
  private readonly legacy: grpc.Client;
  private readonly target: string;

  constructor(private readonly opts: ControlPlaneClientOptions) {
    const host = opts.address.includes(":") && !opts.address.startsWith("[") ? `[${opts.address}]` : opts.address;
    this.target = `${host}:${opts.port}`;
    const creds = opts.tlsCaCert
      ? grpc.credentials.createSsl(
          readFileSync(opts.tlsCaCert),
          opts.tlsKey ? readFileSync(opts.tlsKey) : null,
          opts.tlsCert ? readFileSync(opts.tlsCert) : null,
        )
      : grpc.credentials.createInsecure();
    // Same limit the server uses by default: a large registry or run list must still fit.
    const channelOptions = { "grpc.max_receive_message_length": 16 * 1024 * 1024 };
    this.v1 = new services.controlPlaneV1(this.target, creds, channelOptions);
    this.legacy = new services.legacyControlPlane(this.target, creds, channelOptions);
  }

  /** `host:port` this client talks to. */
  get endpoint(): string {
    return this.target;
  }

  private call<T>(client: grpc.Client, method: string, request: unknown): Promise<T> {
    const md = new grpc.Metadata();
    if (this.opts.token) md.set("authorization", `Bearer ${this.opts.token}`);
    const fn = (client as unknown as Record<string, (...a: unknown[]) => void>)[method]!;
    return new Promise((resolve, reject) =>
      fn.call(client, request, md, { deadline: Date.now() + (this.opts.timeoutMs ?? 10_000) }, (err: grpc.ServiceError | null, res: T) =>
        err ? reject(this.mapError(err)) : resolve(res),
      ),
    );
  }

  private mapError(err: grpc.ServiceError): FlowError {
    if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED) {
      // Found through discovery or by default: say so, and that commands here find what runs here.
      const hints = this.opts.origin
        ? `  start a pipeline from this directory with: flowctl run <pipeline.yaml> (commands run here find it)\n` +
          `  or a standalone control plane with: flowctl server\n` +
          `  or name one: --control-plane-addr host:port`
        : `  start a pipeline with: flowctl run <pipeline.yaml> --control-plane-address ${this.opts.address} --control-plane-port ${this.opts.port}\n` +
          `  or a standalone control plane with: flowctl server --address ${this.opts.address} --port ${this.opts.port}`;
      return new FlowError("UNAVAILABLE", `no control plane is reachable at ${this.target}${this.opts.origin ? ` (${this.opts.origin})` : ""}\n${hints}`, { kind: "operational", cause: err });
    }
    if (err.code === grpc.status.UNAUTHENTICATED) return new FlowError("UNAUTHENTICATED", `${err.details} — pass --token or set FLOWCTL_TOKEN`);
    if (err.code === grpc.status.NOT_FOUND) return new FlowError("NOT_FOUND", err.details);
    if (err.code === grpc.status.INVALID_ARGUMENT) return new FlowError("INVALID_ARGUMENT", err.details);
    if (err.code === grpc.status.FAILED_PRECONDITION) return new FlowError("FAILED_PRECONDITION", err.details);
    return new FlowError("INTERNAL", `control plane error (${grpc.status[err.code] ?? err.code}): ${err.details}`, { kind: "operational" });
  }

  /** flowctl.v1 ListComponents. */
  async listComponents(opts: { includeUnhealthy: boolean; type?: ComponentKind }): Promise<RegisteredComponent[]> {
    const res = await this.call<{ components: WireStatus[] }>(this.v1, "ListComponents", {
      typeFilter: `COMPONENT_TYPE_${opts.type ?? "UNSPECIFIED"}`,
      includeUnhealthy: opts.includeUnhealthy,
    });
    return res.components.map(toComponent);
  }

  /** flowctl.ControlPlane ListPipelineRuns (limit: 0 → server default 10, negative → all). */
  async listRuns(filter: { pipelineName?: string; status?: RunView["status"]; limit: number }): Promise<RunView[]> {
    const res = await this.call<{ runs: WireRun[] }>(this.legacy, "ListPipelineRuns", {
      pipelineName: filter.pipelineName ?? "",
      status: `RUN_STATUS_${(filter.status ?? "unknown").toUpperCase()}`,
      limit: filter.limit,
    });
    return res.runs.map(toRun);
  }

  /** Resolves a full run id or a unique prefix (exact lookup first, as the original does). */
  async resolveRun(idOrPrefix: string): Promise<RunView> {
    if (!idOrPrefix) throw new InvalidArgumentError("run-id", "is required");
    try {
      return toRun(await this.call<WireRun>(this.legacy, "GetPipelineRun", { runId: idOrPrefix }));
    } catch (err) {
      if (!(err instanceof FlowError) || err.code !== "NOT_FOUND") throw err;
    }
    const matches = (await this.listRuns({ limit: -1 })).filter((r) => r.runId.startsWith(idOrPrefix));
    if (matches.length === 0) throw new NotFoundError("run", idOrPrefix);
    if (matches.length > 1) {
      throw new InvalidArgumentError("run-id", `prefix ${JSON.stringify(idOrPrefix)} is ambiguous: ${matches.slice(0, 5).map((r) => r.runId.slice(0, 12)).join(", ")}${matches.length > 5 ? ", …" : ""}`);
    }
    return matches[0]!;
  }

  /** flowctl.ControlPlane StopPipelineRun. */
  async stopRun(runId: string): Promise<RunView> {
    return toRun(await this.call<WireRun>(this.legacy, "StopPipelineRun", { runId }));
  }

  close(): void {
    this.v1.close();
    this.legacy.close();
  }
}
