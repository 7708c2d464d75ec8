/**
 * The run record on an external control plane (`--use-external-control-plane`), kept as the
 * original flowctl does: `flowctl.ControlPlane.CreatePipelineRun` when the run starts,
 * `UpdatePipelineRun` on RUNNING and on the terminal status (with the metrics summary), so
 * `flowctl pipelines list/active/runs` against that `flowctl server` show the run.
 *
 * `StopPipelineRun` on that server cannot reach this process (the server only owns its store), it
 * just marks the record STOPPED. This engine polls its record (`GetPipelineRun`) while the run is
 * live and stops the run itself when the record was ended by someone else.
 *
 * The external record is a mirror: the local store stays the source of truth (RunEvents, rollups).
 * A control plane that refuses or is unreachable is logged and never fails the run.
 */
import * as grpc from "@grpc/grpc-js";
import { z } from "zod";
import type { Logger } from "../core/logger";
import type { RunStatus } from "../core/run";
import { controlPlaneChannel, tlsFailure, type ControlPlaneTlsPem } from "../wire/control-plane-tls";
import { services } from "../wire/protos";
import type { RunSummary } from "./run-types";

/** How often the live record is read back to notice a StopPipelineRun. */
export const EXTERNAL_STOP_POLL_MS = 1_000;
const CALL_DEADLINE_MS = 5_000;

/** flowctl.PipelineRun as proto-loader delivers it (camelCase, enums as names); only what we read. */
const pipelineRunSchema = z.object({
  runId: z.string(),
  status: z.string().transform((s) => s.replace(/^RUN_STATUS_/, "")),
  error: z.string().default(""),
});

type LegacyMethod = "CreatePipelineRun" | "UpdatePipelineRun" | "GetPipelineRun";
type LegacyClient = grpc.Client & Record<LegacyMethod, (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void>;

/** Lifecycle of the mirror: guarded so a late update never follows the terminal one. */
type MirrorState = "new" | "created" | "unavailable" | "ended";

export class ExternalRunRecord {
  private readonly client: LegacyClient;
  private readonly metadata = new grpc.Metadata();
  private state: MirrorState = "new";
  private chain: Promise<unknown> = Promise.resolve();
  private pollTimer: NodeJS.Timeout | undefined;
  /** Set when someone else ended the record (StopPipelineRun on the server). */
  private endedRemotely: string | undefined;

  constructor(
    readonly endpoint: string,
    private readonly runId: string,
    private readonly logger: Logger,
    token?: string,
    /** Same TLS material as the engine's other connections to that server; plaintext when absent. */
    tls?: ControlPlaneTlsPem,
  ) {
    const Ctor = services.legacyControlPlane;
    const channel = controlPlaneChannel(tls);
    this.client = new Ctor(endpoint, channel.credentials, channel.options) as unknown as LegacyClient;
    if (token) this.metadata.set("authorization", `Bearer ${token}`);
  }

  private call(method: LegacyMethod, req: unknown): Promise<z.output<typeof pipelineRunSchema>> {
    return new Promise((resolve, reject) =>
      this.client[method](req, this.metadata, { deadline: Date.now() + CALL_DEADLINE_MS }, (err, res) => {
        if (err) return reject(err);
        const parsed = pipelineRunSchema.safeParse(res);
        if (!parsed.success) return reject(new Error(`unexpected ${method} response (${parsed.error.issues[0]?.message ?? "invalid"})`));
        resolve(parsed.data);
      }),
    );
  }

  /** Ordered: updates never overtake the create. */
  private enqueue(what: string, fn: () => Promise<unknown>): Promise<void> {
    const next = this.chain.then(fn).then(
      () => undefined,
      (err: unknown) => {
        const e = err as Partial<grpc.ServiceError>;
        const tls = tlsFailure(e);
        this.logger.warn("run record on the external control plane not updated", { endpoint: this.endpoint, runId: this.runId, what, error: tls !== undefined ? `TLS connection failed: ${tls}` : (e.details ?? String(err)) });
      },
    );
    this.chain = next;
    return next;
  }

  /** CreatePipelineRun with this run's id (STARTING). */
  create(input: { pipelineName: string; configYaml: string; componentIds: string[] }): Promise<void> {
    return this.enqueue("create", async () => {
      try {
        await this.call("CreatePipelineRun", { runId: this.runId, pipelineName: input.pipelineName, configYaml: input.configYaml, componentIds: input.componentIds });
        if (this.state === "new") this.state = "created";
      } catch (err) {
        this.state = "unavailable";
        throw err;
      }
    });
  }

  /** UpdatePipelineRun to RUNNING, then watch the record for a StopPipelineRun. */
  running(onEndedRemotely: (status: string) => void): Promise<void> {
    const p = this.enqueue("running", async () => {
      if (this.state !== "created") return;
      await this.call("UpdatePipelineRun", { runId: this.runId, status: "RUN_STATUS_RUNNING" });
    });
    this.pollTimer = setInterval(() => void this.poll(onEndedRemotely), EXTERNAL_STOP_POLL_MS);
    this.pollTimer.unref?.();
    return p;
  }

  private async poll(onEndedRemotely: (status: string) => void): Promise<void> {
    if (this.state !== "created" || this.endedRemotely) return;
    try {
      const run = await this.call("GetPipelineRun", { runId: this.runId });
      if (this.state !== "created" || !["STOPPED", "COMPLETED", "FAILED"].includes(run.status)) return;
      this.endedRemotely = run.status;
      this.logger.info("run ended on the external control plane (StopPipelineRun): stopping it", { endpoint: this.endpoint, runId: this.runId, status: run.status });
      onEndedRemotely(run.status);
    } catch (err) {
      // A control plane that is briefly unreachable is not a reason to stop the run.
      this.logger.debug("reading the run record from the external control plane failed", { endpoint: this.endpoint, error: (err as Partial<grpc.ServiceError>).details ?? String(err) });
    }
  }

  /** The terminal UpdatePipelineRun with the summary (skipped when the server already ended the record). */
  finish(status: RunStatus, error: string | null, summary: RunSummary): Promise<void> {
    clearInterval(this.pollTimer);
    return this.enqueue("finish", async () => {
      if (this.state !== "created") return;
      this.state = "ended";
      if (this.endedRemotely) return;
      await this.call("UpdatePipelineRun", {
        runId: this.runId,
        status: `RUN_STATUS_${status === "INTERRUPTED" ? "FAILED" : status}`,
        error: error ?? "",
        metrics: {
          eventsProcessed: summary.eventsProcessed,
          eventsPerSecond: summary.eventsPerSecond,
          bytesProcessed: summary.bytesProcessed,
          componentMetrics: Object.fromEntries(
            summary.components.map((c) => [c.id, { eventsIn: c.eventsIn, eventsOut: c.eventsOut, bytesIn: c.bytesIn, bytesOut: c.bytesOut, processingTimeMs: c.processingTimeMs }]),
          ),
        },
      });
    });
  }

  close(): void {
    clearInterval(this.pollTimer);
    this.client.close();
  }
}
