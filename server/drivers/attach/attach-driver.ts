/**
 * The attach driver (`flowctl run --attach`): starts nothing. Components are started by someone
 * else — Kubernetes, Docker Compose, a shell — and register with the run's control plane; the
 * supervisor takes their registrations as usual. A handle stands for "the instance as the engine
 * sees it": it ends when the registration it was bound to goes away (unregistered, no heartbeat
 * within the TTL, replaced by a new process, or its endpoint refusing connections after a
 * data-plane stream failed). The supervisor then waits for the instance to register again: only
 * whoever started it can restart it.
 */
import net from "node:net";
import type { RegisteredComponent } from "../../core/registry";
import type { ComponentDriver, ExitInfo, InstanceHandle, InstanceOutput, InstancePorts, InstanceSpec } from "../driver";

/** A change of the run's registry (the shape `ComponentRegistry.subscribe` delivers). */
export interface RegistryChange {
  type: "registered" | "heartbeat" | "status" | "unregistered";
  component: RegisteredComponent;
}

/** The registry events the driver watches (the run's embedded control plane). */
export interface AttachRegistry {
  subscribe(listener: (c: RegistryChange) => void): () => void;
}

/** Options of {@link AttachDriver}. */
export interface AttachDriverOptions {
  registry: AttachRegistry;
  /** How long a liveness probe of an endpoint may take. @default 1000 */
  probeTimeoutMs?: number;
}

/** Whether `host:port` accepts a TCP connection within `timeoutMs`; the error code when not. */
export function probeEndpoint(endpoint: string, timeoutMs: number): Promise<string | undefined> {
  const i = endpoint.lastIndexOf(":");
  const host = endpoint.slice(0, i).replace(/^\[|\]$/g, "") || "127.0.0.1";
  const port = Number(endpoint.slice(i + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done("ETIMEDOUT"), timeoutMs);
    socket.once("connect", () => done(undefined));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

class AttachedInstance implements InstanceHandle {
  readonly pid = undefined;
  readonly logFile = undefined;
  readonly exited: Promise<ExitInfo>;
  private resolveExit!: (e: ExitInfo) => void;
  private ended = false;
  private bound: RegisteredComponent | undefined;
  private probing = false;
  private readonly unsubscribe: () => void;

  constructor(
    readonly startedAt: Date,
    private readonly registry: AttachRegistry,
    private readonly probeTimeoutMs: number,
    /** Called with the time from which a new registration counts (a replacing one is already there). */
    private readonly onGone: (since: Date) => void,
  ) {
    this.exited = new Promise((r) => (this.resolveExit = r));
    this.unsubscribe = registry.subscribe((ch) => this.onChange(ch));
  }

  get alive(): boolean {
    return !this.ended;
  }

  attached(registration: RegisteredComponent): void {
    this.bound = registration;
  }

  suspect(why = ""): void {
    const endpoint = this.bound?.info.endpoint;
    if (!endpoint || this.ended || this.probing) return;
    this.probing = true;
    void probeEndpoint(endpoint, this.probeTimeoutMs).then((failure) => {
      this.probing = false;
      if (failure) this.gone(`${why}its endpoint ${endpoint} does not accept connections (${failure})`, new Date());
    });
  }

  private onChange(ch: RegistryChange): void {
    const reg = this.bound;
    if (!reg || this.ended || ch.component.serviceId !== reg.serviceId) return;
    if (ch.type === "unregistered" && ch.component === reg) this.gone("it unregistered", new Date());
    // Late heartbeats alone do not make it gone (it may be busy, and a heartbeat makes it HEALTHY
    // again without registering anew): only an endpoint that stopped answering does.
    else if (ch.type === "status" && ch.component === reg && ch.component.status === "UNHEALTHY") this.suspect("no heartbeat within the heartbeat TTL, and ");
    // A new process registered under the same id while the old registration stood: the old one is
    // gone, and the new registration must count for the next wait.
    else if (ch.type === "registered" && ch.component !== reg) this.gone(`it registered again at ${ch.component.info.endpoint || "(no endpoint)"} (a new process)`, new Date(ch.component.registeredAt.getTime()));
  }

  private gone(reason: string, since: Date): void {
    if (this.ended) return;
    this.onGone(since);
    this.end({ code: null, signal: null, error: `gone: ${reason}` });
  }

  private end(info: ExitInfo): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe();
    this.resolveExit(info);
  }

  // Nothing of ours runs: asking the instance to stop only ends our view of it.
  terminate(): void {
    this.end({ code: 0, signal: null });
  }

  // The engine drops the instance (malformed frames, no registration in time): its process, not
  // ours, keeps running; a registration that still stands is taken again by the next wait.
  kill(): void {
    this.end({ code: null, signal: null, error: "gone: dropped by the engine" });
  }

  lastLines(): string[] {
    return [];
  }
}

/** Starts nothing; waits for components started elsewhere (see the file comment). */
export class AttachDriver implements ComponentDriver {
  readonly kind = "attach";
  readonly attached = true;
  /** Not applied: whoever starts the components sets HOST (containers listen on every interface). */
  readonly bindHost = "0.0.0.0";
  private readonly resumeSince = new Map<string, Date>();

  constructor(private readonly opts: AttachDriverOptions) {}

  /** Ports are the components' own; 0 = unknown until they register (the metrics port is announced). */
  async allocatePorts(count: number): Promise<InstancePorts[]> {
    return Array.from({ length: count }, () => ({ port: 0, healthPort: 0, metricsPort: 0 }));
  }

  start(spec: InstanceSpec, _output: InstanceOutput): InstanceHandle {
    // First wait: any registration counts (components may have registered before the run began
    // waiting). After the instance was lost: registrations from the moment it went away.
    const since = this.resumeSince.get(spec.instanceId) ?? new Date(0);
    return new AttachedInstance(since, this.opts.registry, this.opts.probeTimeoutMs ?? 1_000, (at) => this.resumeSince.set(spec.instanceId, at));
  }

  /** Nothing of ours can be left behind. */
  reap(): number[] {
    return [];
  }
}
