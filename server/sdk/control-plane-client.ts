/**
 * Registration with `flowctl.v1.ControlPlaneService`, in plaintext or over TLS/mTLS: register
 * (retrying with backoff while the control plane is not up yet; a TLS failure is final), heartbeat HEALTHY with the metrics snapshot every interval
 * (re-registering if the control plane forgot us), unregister on shutdown.
 */
import * as grpc from "@grpc/grpc-js";
import { ERROR_STATUS } from "../core/errors";
import type { Logger } from "../core/logger";
import { controlPlaneChannel, tlsFailure, type ControlPlaneTlsPem } from "../wire/control-plane-tls";
import { componentControlPlaneMethods, type ComponentInfoObject } from "../wire/event-codec";

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void;

interface ControlPlaneStub extends grpc.Client {
  RegisterComponent: Unary<{ component: ComponentInfoObject; componentId: string }, { serviceId: string }>;
  Heartbeat: Unary<{ serviceId: string; status: string; metrics: Record<string, string> }, unknown>;
  UnregisterComponent: Unary<{ serviceId: string }, unknown>;
}

function call<Req, Res>(fn: Unary<Req, Res>, stub: grpc.Client, md: grpc.Metadata, req: Req, timeoutMs: number): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn.call(stub, req, md, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as Res))),
  );
}

/** Registration lifecycle of a {@link ControlPlaneClient}. */
export type RegistrationState = "idle" | "registering" | "registered" | "unregistered" | "closed";

/** Options of {@link ControlPlaneClient}. */
export interface ControlPlaneClientOptions {
  endpoint: string;
  info: () => ComponentInfoObject;
  heartbeatIntervalMs: number;
  /** Bearer token for a control plane that requires one (FLOWCTL_TOKEN). */
  token?: string;
  /** TLS towards the control plane (FLOWCTL_TLS_*); plaintext when absent. Works with `token`. */
  tls?: ControlPlaneTlsPem;
  status: () => string;
  metrics: () => Record<string, string>;
  logger: Logger;
}

/** Registers one component with a flowctl.v1 control plane and keeps it alive. */
export class ControlPlaneClient {
  private readonly stub: ControlPlaneStub;
  private serviceId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly md = new grpc.Metadata();
  state: RegistrationState = "idle";

  constructor(private readonly opts: ControlPlaneClientOptions) {
    const Ctor = grpc.makeGenericClientConstructor(componentControlPlaneMethods as unknown as grpc.ServiceDefinition, "flowctl.v1.ControlPlaneService");
    const channel = controlPlaneChannel(opts.tls);
    this.stub = new Ctor(opts.endpoint, channel.credentials, channel.options) as unknown as ControlPlaneStub;
    if (opts.token) this.md.set("authorization", `Bearer ${opts.token}`);
  }

  /**
   * Registers, retrying (100 ms doubling to 2 s) while the control plane is unreachable, until it
   * succeeds or `signal` aborts. A rejected registration or a failed TLS handshake throws at once.
   */
  async register(signal: AbortSignal): Promise<string> {
    this.state = "registering";
    let delay = 100;
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        const info = this.opts.info();
        const res = await call(this.stub.RegisterComponent, this.stub, this.md, { component: info, componentId: info.id }, 5_000);
        this.serviceId = res.serviceId || info.id;
        this.state = "registered";
        this.opts.logger.info("registered with control plane", { endpoint: this.opts.endpoint, serviceId: this.serviceId, attempts: attempt });
        return this.serviceId;
      } catch (err) {
        if (signal.aborted) throw new Error(`registration with ${this.opts.endpoint} aborted`, { cause: err });
        const e = err as grpc.ServiceError;
        // The server is there but the handshake failed: retrying cannot fix certificates.
        const tls = tlsFailure(e);
        if (tls !== undefined) {
          throw new Error(
            `TLS connection to the control plane at ${this.opts.endpoint} failed: ${tls} ` +
              (this.opts.tls
                ? "(check FLOWCTL_TLS_CA_CERT, FLOWCTL_TLS_CERT/FLOWCTL_TLS_KEY if the control plane requires a client certificate, and FLOWCTL_TLS_SERVER_NAME)"
                : "(the control plane speaks TLS: set FLOWCTL_TLS_CA_CERT)"),
            { cause: err },
          );
        }
        // Only "not reachable yet" is worth retrying; a rejected registration is a real error.
        if (e.code !== grpc.status.UNAVAILABLE && e.code !== grpc.status.DEADLINE_EXCEEDED) {
          throw new Error(`control plane at ${this.opts.endpoint} rejected registration: ${e.details ?? e.message}`, { cause: err });
        }
        if (attempt === 1 || attempt % 10 === 0) {
          // A plaintext client against a TLS server, or an mTLS server refusing our certificate,
          // looks like "Failed to connect" too; say so, since it never resolves by itself.
          const hint = attempt >= 10 ? { hint: this.opts.tls ? "if the control plane requires mTLS, check FLOWCTL_TLS_CERT/FLOWCTL_TLS_KEY" : "if the control plane uses TLS, set FLOWCTL_TLS_CA_CERT" } : {};
          this.opts.logger.info("control plane not reachable yet, retrying", { endpoint: this.opts.endpoint, attempt, error: e.details ?? e.message, ...hint });
        }
        await new Promise<void>((resolve) => {
          const onAbort = () => {
            clearTimeout(t);
            resolve();
          };
          const t = setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          }, delay);
          signal.addEventListener("abort", onAbort, { once: true });
        });
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  /** Starts the heartbeat loop (call once the component is serving, so the first one says HEALTHY). */
  startHeartbeats(): void {
    if (this.timer) return;
    const beat = async () => {
      if (this.state !== "registered" || !this.serviceId) return;
      try {
        await call(this.stub.Heartbeat, this.stub, this.md, { serviceId: this.serviceId, status: this.opts.status(), metrics: this.opts.metrics() }, 5_000);
      } catch (err) {
        const e = err as grpc.ServiceError;
        if (e.code === ERROR_STATUS.NOT_FOUND.grpc && this.state === "registered") {
          // The control plane restarted or expired us: register again.
          this.opts.logger.warn("control plane does not know this component; re-registering", { serviceId: this.serviceId });
          const info = this.opts.info();
          await call(this.stub.RegisterComponent, this.stub, this.md, { component: info, componentId: info.id }, 5_000).then(
            () => undefined,
            (re: Error) => this.opts.logger.warn("re-registration failed", { error: re.message }),
          );
        } else {
          this.opts.logger.warn("heartbeat failed", { error: e.details ?? e.message });
        }
      }
    };
    this.timer = setInterval(() => void beat(), this.opts.heartbeatIntervalMs);
    this.timer.unref();
    // First heartbeat right away so the control plane sees metrics and HEALTHY immediately.
    void beat();
  }

  /** Sends one heartbeat now (status changes, e.g. STOPPING). */
  async heartbeatNow(): Promise<void> {
    if (this.state !== "registered" || !this.serviceId) return;
    await call(this.stub.Heartbeat, this.stub, this.md, { serviceId: this.serviceId, status: this.opts.status(), metrics: this.opts.metrics() }, 2_000);
  }

  /** Stops heartbeats, unregisters (best effort within 2 s) and closes the channel. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.state === "registered" && this.serviceId) {
      this.state = "unregistered";
      await call(this.stub.UnregisterComponent, this.stub, this.md, { serviceId: this.serviceId }, 2_000).then(
        () => this.opts.logger.info("unregistered from control plane", { serviceId: this.serviceId }),
        (err: grpc.ServiceError) => this.opts.logger.warn("unregister failed", { error: err.details ?? err.message }),
      );
    }
    this.state = "closed";
    this.stub.close();
  }
}
