/**
 * Proto ⇄ domain conversions for both control-plane services. proto-loader decodes enums as their
 * names and int64 as numbers (server/wire LOADER_OPTIONS); these functions speak that shape.
 */
import type { ComponentInfo, ComponentKind, HealthStatus, RegisteredComponent } from "../core/registry";
import { emptyComponentRunMetrics, type RunMetricsSummary, type RunRecord, type RunStatus } from "../core/run";

/** google.protobuf.Timestamp as proto-loader produces/accepts it. */
export interface WireTimestamp {
  seconds: number;
  nanos: number;
}

export function toTimestamp(d: Date): WireTimestamp {
  const ms = d.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function fromTimestamp(t: { seconds?: number | string; nanos?: number } | null | undefined): Date | undefined {
  if (!t) return undefined;
  return new Date(Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000));
}

// ---------- flowctl.v1 ----------

export const toWireComponentType = (k: ComponentKind): string => `COMPONENT_TYPE_${k}`;
export const fromWireComponentType = (s: string): ComponentKind => s.replace(/^COMPONENT_TYPE_/, "") as ComponentKind;
export const toWireHealth = (h: HealthStatus): string => `HEALTH_STATUS_${h}`;
export const fromWireHealth = (s: string): HealthStatus => s.replace(/^HEALTH_STATUS_/, "") as HealthStatus;

/** flowctl.v1.ComponentInfo */
export interface WireComponentInfo {
  id: string;
  name: string;
  description: string;
  version: string;
  type: string;
  inputEventTypes: string[];
  outputEventTypes: string[];
  endpoint: string;
  metadata: Record<string, string>;
}

export function toWireComponentInfo(info: ComponentInfo): WireComponentInfo {
  return { ...info, type: toWireComponentType(info.type) };
}

/** flowctl.v1.ComponentStatusResponse */
export function toComponentStatusResponse(c: RegisteredComponent) {
  return {
    component: toWireComponentInfo(c.info),
    status: toWireHealth(c.status),
    lastHeartbeat: toTimestamp(c.lastHeartbeat),
    metrics: c.metrics,
    registeredAt: toTimestamp(c.registeredAt),
  };
}

// ---------- legacy flowctl ----------

/** ServiceType → ComponentKind (sinks are CONSUMER; PIPELINE has no v1 counterpart). */
export function fromServiceType(s: string): ComponentKind {
  switch (s) {
    case "SERVICE_TYPE_SOURCE":
      return "SOURCE";
    case "SERVICE_TYPE_PROCESSOR":
      return "PROCESSOR";
    case "SERVICE_TYPE_SINK":
      return "CONSUMER";
    default:
      return "UNSPECIFIED";
  }
}

/** Metadata key remembering a legacy PIPELINE service type, which v1 cannot express. */
export const LEGACY_SERVICE_TYPE_KEY = "flowctl.legacy_service_type";

export function toServiceType(c: RegisteredComponent): string {
  if (c.info.metadata[LEGACY_SERVICE_TYPE_KEY] === "PIPELINE") return "SERVICE_TYPE_PIPELINE";
  switch (c.info.type) {
    case "SOURCE":
      return "SERVICE_TYPE_SOURCE";
    case "PROCESSOR":
      return "SERVICE_TYPE_PROCESSOR";
    case "CONSUMER":
      return "SERVICE_TYPE_SINK";
    default:
      return "SERVICE_TYPE_UNSPECIFIED";
  }
}

/** Legacy heartbeats carry doubles; the registry keeps strings (flowctl.v1 semantics). */
export function doublesToStrings(m: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));
}

/** Registry metrics → map<string,double>, keeping only values that are numbers. */
export function stringsToDoubles(m: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    const n = Number(v);
    if (v.trim() !== "" && Number.isFinite(n)) out[k] = n;
  }
  return out;
}

/** `is_healthy` of the legacy ServiceStatus: the component is alive and serving. */
export function isServing(status: HealthStatus): boolean {
  return status === "HEALTHY" || status === "DEGRADED";
}

/** flowctl.ServiceStatus */
export function toServiceStatus(c: RegisteredComponent) {
  return {
    serviceId: c.serviceId,
    serviceType: toServiceType(c),
    isHealthy: isServing(c.status),
    lastHeartbeat: toTimestamp(c.lastHeartbeat),
    metrics: stringsToDoubles(c.metrics),
    componentId: c.info.id,
  };
}

/** RunStatus on the legacy wire. INTERRUPTED has no wire value: it goes out as FAILED (with its error). */
export function toWireRunStatus(s: RunStatus): string {
  return s === "INTERRUPTED" ? "RUN_STATUS_FAILED" : `RUN_STATUS_${s}`;
}

/** Wire RunStatus → domain; UNKNOWN → undefined ("not given"). */
export function fromWireRunStatus(s: string): RunStatus | undefined {
  const v = s.replace(/^RUN_STATUS_/, "");
  return v === "UNKNOWN" || v === "" ? undefined : (v as RunStatus);
}

/** flowctl.RunMetrics (wire) */
export interface WireRunMetrics {
  eventsProcessed: number;
  eventsPerSecond: number;
  bytesProcessed: number;
  componentMetrics: Record<string, { eventsIn: number; eventsOut: number; bytesIn: number; bytesOut: number; processingTimeMs: number }>;
}

export function toWireRunMetrics(m: RunMetricsSummary | null): WireRunMetrics {
  if (!m) return { eventsProcessed: 0, eventsPerSecond: 0, bytesProcessed: 0, componentMetrics: {} };
  return {
    eventsProcessed: m.eventsProcessed,
    eventsPerSecond: m.eventsPerSecond,
    bytesProcessed: m.bytesProcessed,
    componentMetrics: Object.fromEntries(
      Object.entries(m.components).map(([id, c]) => [
        id,
        { eventsIn: c.eventsIn, eventsOut: c.eventsOut, bytesIn: c.bytesIn, bytesOut: c.bytesOut, processingTimeMs: c.processingTimeMs },
      ]),
    ),
  };
}

/** Wire metrics → summary; counters the wire lacks (restarts, lost, …) keep their previous values. */
export function fromWireRunMetrics(w: WireRunMetrics, previous: RunMetricsSummary | null): RunMetricsSummary {
  return {
    eventsProcessed: w.eventsProcessed,
    eventsPerSecond: w.eventsPerSecond,
    bytesProcessed: w.bytesProcessed,
    components: Object.fromEntries(
      Object.entries(w.componentMetrics).map(([id, c]) => [id, { ...emptyComponentRunMetrics(), ...previous?.components[id], ...c }]),
    ),
  };
}

/** flowctl.PipelineRun */
export function toWirePipelineRun(r: RunRecord) {
  return {
    runId: r.runId,
    pipelineId: r.pipelineName,
    pipelineName: r.pipelineName,
    status: toWireRunStatus(r.status),
    startTime: toTimestamp(r.startedAt),
    endTime: r.endedAt ? toTimestamp(r.endedAt) : null,
    configYaml: r.configYaml,
    metrics: toWireRunMetrics(r.metrics),
    error: r.error ?? "",
    componentIds: r.componentIds,
  };
}
