/**
 * What a component's own env means once it runs in a container, and what translate must change
 * or say about it: a loopback host (`127.0.0.1`, `localhost`) names the container itself, not the
 * machine the pipeline ran on; a relative file path has no directory behind it; an image nothing
 * in the project builds must come from a registry. Every finding is a {@link TranslateWarning}
 * naming the component and the field.
 */
import { builtinContainerEnv } from "../../builtin-runtime";
import type { CompiledComponent, CompiledPipeline } from "../compile";

/** One thing the translated output changed or cannot fix, for stderr and `--json`. */
export interface TranslateWarning {
  code: "loopback-host" | "listen-loopback" | "relative-path" | "image-not-built" | "flowctl-image-local";
  /** Component id, when the warning is about one. */
  component?: string;
  /** `env.POSTGRES_HOST`, `image`, … */
  field?: string;
  message: string;
}

export type TranslateTarget = "docker-compose" | "kubernetes";

/** Where relative file paths go in a container (a volume the translation adds). */
export const DATA_MOUNT = "/data";
/** Name of that volume. */
export const DATA_VOLUME = "flowctl-files";

/** A host the container would resolve to itself. */
const LOOPBACK = /(^|[/@=,\s])(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?=$|[:/,\s?])/i;
/** Env keys that name files or directories. */
const PATH_KEY = /(^|_)(PATH|FILE|DIR)$/;

/** A component's env as its containers get it, and whether they need the data volume / the host gateway. */
export interface ContainerEnvPlan {
  env: Record<string, string>;
  dataVolume: boolean;
  /** Compose: a value was pointed at `host.docker.internal` (needs `extra_hosts: host-gateway`). */
  hostGateway: boolean;
  warnings: TranslateWarning[];
}

/** Rewrites a component's own env for a container of `target`; see the file comment. */
export function containerEnvPlan(c: CompiledComponent, target: TranslateTarget): ContainerEnvPlan {
  const env: Record<string, string> = { ...c.env };
  const warnings: TranslateWarning[] = [];
  let dataVolume = false;
  let hostGateway = false;
  const warn = (code: TranslateWarning["code"], key: string, message: string) => warnings.push({ code, component: c.id, field: `env.${key}`, message: `component "${c.id}" env ${key}: ${message}` });
  for (const [key, value] of Object.entries(c.env)) {
    if (key.startsWith("FLOWCTL_")) continue;
    if (key === "HOST" && LOOPBACK.test(value)) {
      delete env.HOST;
      warn("listen-loopback", key, `${value} would listen where the engine in another container cannot reach it; dropped (containers listen on every interface)`);
    } else if (key === "PORT" && LOOPBACK.test(value)) {
      env.PORT = value.replace(/^.*:/, "");
      warn("listen-loopback", key, `${value} would listen where the engine in another container cannot reach it; kept the port only (${env.PORT})`);
    } else if (LOOPBACK.test(value)) {
      if (target === "docker-compose") {
        env[key] = value.replace(LOOPBACK, "$1host.docker.internal");
        hostGateway = true;
        warn("loopback-host", key, `${value} is the container itself inside Docker; rewritten to ${env[key]} (the machine running Docker). If it runs in this project, use its service name instead`);
      } else {
        warn("loopback-host", key, `${value} is the pod itself in Kubernetes; kept as written: set it to the Service name of what it should reach`);
      }
    } else if (PATH_KEY.test(key) && value !== "" && !value.startsWith("/") && !value.includes("://") && !value.startsWith("~")) {
      env[key] = `${DATA_MOUNT}/${value.replace(/^(\.\/)+/, "")}`;
      dataVolume = true;
      const where = target === "docker-compose" ? `the volume ${DATA_VOLUME}` : "an emptyDir volume (lost with the pod: use a PersistentVolumeClaim to keep it)";
      warn("relative-path", key, `relative path ${value} has no directory in a container; now ${env[key]}, on ${where}`);
    }
  }
  // A built-in runs from the flowctl image: it gets the Node settings the process driver gives it.
  if (c.builtin && !c.image && !(c.command && c.command.length > 0)) Object.assign(env, builtinContainerEnv(env));
  return { env, dataVolume, hostGateway, warnings };
}

/** Images of the translation that the project does not build, and the flowctl image's origin. */
export function imageWarnings(p: CompiledPipeline, images: ReadonlyMap<string, string>, flowctl: { image: string; isDefault: boolean }, target: TranslateTarget): TranslateWarning[] {
  const warnings: TranslateWarning[] = [];
  const byImage = new Map<string, string[]>();
  for (const c of p.components) {
    const image = images.get(c.id);
    if (image && image !== flowctl.image) byImage.set(image, [...(byImage.get(image) ?? []), c.id]);
  }
  for (const [image, ids] of byImage) {
    warnings.push({
      code: "image-not-built",
      component: ids[0]!,
      field: "image",
      message: `image ${image} (${ids.map((i) => `"${i}"`).join(", ")}) is not built by flowctl: build and push it yourself before deploying`,
    });
  }
  if (flowctl.isDefault) {
    warnings.push({
      code: "flowctl-image-local",
      field: "--flowctl-image",
      message:
        target === "kubernetes"
          ? `${flowctl.image} is the local tag \`npm run image\` builds: push it to a registry the cluster pulls from and pass --flowctl-image <registry>/${flowctl.image}`
          : `${flowctl.image} is built by \`npm run image\` (docs/deploy.md); build it on the machine running docker compose, or pass --flowctl-image`,
    });
  }
  return warnings;
}
