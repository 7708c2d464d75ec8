/**
 * Integration-test helpers: spawn `flowctl component <name>` with env on OS-assigned ports, wait
 * for its "component ready" line, dial it with plain @grpc/proto-loader clients, kill it after.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { services } from "../../wire/protos";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const FLOWCTL_BIN = path.join(ROOT, "bin/flowctl.mjs");

export interface ComponentProcess {
  child: ChildProcess;
  port: number;
  metricsPort: number;
  healthPort: number;
  stderr: () => string;
  stdout: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();

/** Kills every process started by this module (afterEach/afterAll). */
export async function killAll(): Promise<void> {
  const waits = [...running].map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once("exit", () => resolve());
        c.kill("SIGKILL");
      }),
  );
  running.clear();
  await Promise.all(waits);
}

/** Spawns a built-in and waits until it serves (ready line with its ports). */
export async function startBuiltin(
  name: string,
  env: Record<string, string>,
  opts: { timeoutMs?: number; cwd?: string; readyPattern?: RegExp } = {},
): Promise<ComponentProcess> {
  const child = spawn(process.execPath, [FLOWCTL_BIN, "component", name], {
    cwd: opts.cwd ?? ROOT,
    env: childEnv({ PATH: process.env.PATH ?? "", PORT: "127.0.0.1:0", METRICS_PORT: "0", HEALTH_PORT: "0", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let err = "";
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, sig) => resolve(code ?? sig ?? "unknown")));
  const readyRe = /component ready .*port=(\d+) metricsPort=(\d+) healthPort=(\d+)/;
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not become ready in time; stderr:\n${err}`)), opts.timeoutMs ?? 120_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = (opts.readyPattern ?? readyRe).exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(readyRe.exec(err) ?? m);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before ready; stderr:\n${err}`));
    });
  });
  return {
    child,
    // With a custom readyPattern the ports may not be known yet (NaN); read them from stderr().
    port: Number(ready[1]),
    metricsPort: Number(ready[2]),
    healthPort: Number(ready[3]),
    stderr: () => err,
    stdout: () => out,
    exited,
    kill: (signal = "SIGTERM") => child.kill(signal),
  };
}

/** Runs a built-in expected to fail at startup; resolves with exit code and stderr. */
export function runBuiltinExpectingExit(name: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [FLOWCTL_BIN, "component", name], {
    cwd: ROOT,
    env: childEnv({ PATH: process.env.PATH ?? "", PORT: "127.0.0.1:0", METRICS_PORT: "0", HEALTH_PORT: "0", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr: err })));
}

type Ctor = grpc.ServiceClientConstructor;
const clients: grpc.Client[] = [];

/** A plain proto-loader client (what a foreign engine would use) for one of the data-plane services. */
export function dial(service: keyof typeof services, port: number): grpc.Client & Record<string, (...args: never[]) => unknown> {
  const C = services[service] as Ctor;
  const c = new C(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 64 * 1024 * 1024 });
  clients.push(c);
  return c as grpc.Client & Record<string, (...args: never[]) => unknown>;
}

export function closeClients(): void {
  for (const c of clients.splice(0)) c.close();
}

/** Collects every message a stream delivers; `ended` resolves at its end and rejects on an error. */
export function collect(call: grpc.ClientReadableStream<unknown> | grpc.ClientDuplexStream<unknown, unknown>): { items: Record<string, unknown>[]; ended: Promise<void> } {
  const items: Record<string, unknown>[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    call.on("data", (d: Record<string, unknown>) => items.push(d));
    call.on("end", () => resolve());
    call.on("error", reject);
  });
  return { items, ended };
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** GET an HTTP endpoint of the component. */
export async function httpGet(port: number, p: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${p}`);
  return { status: res.status, body: await res.text() };
}

/** A child's environment (Next's types make NODE_ENV a required key of ProcessEnv; children need not have it). */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return env as NodeJS.ProcessEnv;
}
