/**
 * grpc.health.v1.Health for the control plane: SERVING for "" and each served service while the
 * server runs, NOT_SERVING once it starts shutting down; Watch streams changes until cancelled.
 */
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { PROTO_DIR } from "../wire/protos";

export type ServingStatus = "SERVING" | "NOT_SERVING";

/** Package definition of grpc/health/v1/health.proto (also fed to reflection). */
export function loadHealthDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(path.join(PROTO_DIR, "grpc/health/v1/health.proto"), { keepCase: false, enums: String, defaults: true, includeDirs: [PROTO_DIR] });
}

/** Health state of a set of services plus the service implementation that reports it. */
export class HealthService {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Set<{ service: string; call: grpc.ServerWritableStream<{ service: string }, unknown> }>();

  constructor(services: string[]) {
    for (const s of ["", ...services]) this.statuses.set(s, "SERVING");
  }

  /** Sets every service's status and notifies watchers. */
  setAll(status: ServingStatus): void {
    for (const s of this.statuses.keys()) this.statuses.set(s, status);
    for (const w of this.watchers) w.call.write({ status });
  }

  /** Ends every Watch stream (server shutdown). */
  closeWatchers(): void {
    for (const w of this.watchers) w.call.end();
    this.watchers.clear();
  }

  /** The grpc-js implementation of grpc.health.v1.Health. */
  implementation(): grpc.UntypedServiceImplementation {
    return {
      Check: (call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const status = this.statuses.get(call.request.service);
        if (!status) callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${JSON.stringify(call.request.service)}` });
        else callback(null, { status });
      },
      Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => {
        const entry = { service: call.request.service, call };
        this.watchers.add(entry);
        call.write({ status: this.statuses.get(call.request.service) ?? "SERVICE_UNKNOWN" });
        call.on("cancelled", () => this.watchers.delete(entry));
        call.on("close", () => this.watchers.delete(entry));
      },
    };
  }
}
