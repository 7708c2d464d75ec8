/**
 * Prometheus HTTP service discovery (`http_sd_configs`): the engine's own `/metrics` plus every
 * running component instance of every run, as the JSON target list Prometheus polls. The body is
 * the same shape as the `file_sd` file ({@link fileSdGroups} makes the component groups), so a
 * Prometheus sees identical targets and labels whichever discovery it uses.
 */
import { fileSdGroups, type FileSdGroup, type FileSdTopology } from "./file-sd";

/** Content type Prometheus requires of an `http_sd` response. */
export const HTTP_SD_CONTENT_TYPE = "application/json";

/** The engine's own metrics endpoint. */
export interface HttpSdEngineTarget {
  /** `host:port` serving the engine registry at `/metrics` (the console port). */
  address: string;
  /** Extra labels on the engine target. @default {} */
  labels?: Record<string, string>;
}

export interface HttpSdOptions {
  /** Host the component metrics ports are reached on. @default "127.0.0.1" */
  componentHost?: string;
}

/**
 * Target groups for `GET /api/prometheus/targets`: the engine (`job="flowctl-engine"`,
 * `flowctl_role="engine"`) first, then one group per component instance with a metrics port
 * (`job="flowctl-component"` with pipeline, run_id, flowctl_component, flowctl_instance,
 * flowctl_role). Serve it with status 200 and {@link HTTP_SD_CONTENT_TYPE}.
 */
export function httpSdTargets(topologies: readonly FileSdTopology[], engine: HttpSdEngineTarget | undefined, opts: HttpSdOptions = {}): FileSdGroup[] {
  const groups: FileSdGroup[] = [];
  if (engine) groups.push({ targets: [engine.address], labels: { ...engine.labels, job: "flowctl-engine", flowctl_role: "engine" } });
  for (const t of topologies) groups.push(...fileSdGroups(t, opts.componentHost));
  return groups;
}
