/**
 * The control-plane port of a command that serves one (`run`, `server`). A busy default port falls
 * back to a free one (the discovery file tells other commands where it went); a busy port the user
 * asked for fails up front, naming who holds it when that is a flowctl process, and the exact flag
 * to pass instead.
 */
import net from "node:net";
import { FlowError } from "../core/errors";
import { describeDiscoveryEntry, readDiscovery } from "../lifecycle/discovery";

/** The port flowctl's control plane listens on unless told otherwise (as the original). */
export const DEFAULT_CONTROL_PLANE_PORT = 8080;

/** Resolves whether `address:port` can be listened on now (EADDRINUSE/EACCES: no). */
export function canListen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", (err: NodeJS.ErrnoException) => (err.code === "EADDRINUSE" || err.code === "EACCES" ? resolve(false) : reject(err)));
    srv.listen({ host: address, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** "flowctl server (pid 99)" when a flowctl process here announced this port, else "another process". */
export function holderOf(port: number, cwd?: string): string {
  const holder = readDiscovery(cwd ? { cwd } : {}).entries.find((e) => e.port === port);
  return holder ? describeDiscoveryEntry(holder) : "another process";
}

/** What a command should listen on, and a note to print when it is not what was asked. */
export interface ChosenPort {
  port: number;
  note?: string;
}

/**
 * The port to listen on. `requested` undefined = the default 8080, falling back to any free port
 * when it is busy; a requested port that is busy throws with the flag to use (`flag`, e.g.
 * `--control-plane-port`). Port 0 is always "any free port".
 */
export async function chooseListenPort(address: string, requested: number | undefined, flag: string, cwd?: string): Promise<ChosenPort> {
  const port = requested ?? DEFAULT_CONTROL_PLANE_PORT;
  if (port === 0 || (await canListen(address, port))) return { port };
  const holder = holderOf(port, cwd);
  if (requested === undefined) {
    return { port: 0, note: `control plane port ${port} is in use by ${holder}: listening on a free port instead (commands run from this directory find it; ${flag} <port> chooses one)` };
  }
  throw new FlowError(
    "UNAVAILABLE",
    `${flag}: ${address}:${port} is in use by ${holder}; pass ${flag} 0 for any free port (commands run from this directory find it), or another port`,
    { kind: "operational" },
  );
}
