/**
 * Discovery files: every process that serves a control plane (`flowctl run`, `flowctl server`,
 * `flowctl diagnose <file>`, the console) writes `.flowctl/discovery/<pid>-<port>.json` in its
 * working directory with where it listens and what it is, and removes it on exit. Commands that
 * talk to a control plane (`status`, `pipelines …`) read them to find the running one without
 * flags. A file whose process is gone (killed with SIGKILL, a crash) is ignored and cleaned up.
 * Secrets never go in: only whether a token or TLS is needed.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "../core/logger";

/** What kind of process serves the control plane. */
export const DISCOVERY_KINDS = ["run", "server", "console", "diagnose"] as const;
export type DiscoveryKind = (typeof DISCOVERY_KINDS)[number];

/** One discovery file's content (version 1). */
export const discoveryEntrySchema = z.object({
  version: z.literal(1),
  kind: z.enum(DISCOVERY_KINDS),
  pid: z.number().int().positive(),
  /** `host:port` as clients dial it. */
  endpoint: z.string().min(1),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** Whether calls need a bearer token (FLOWCTL_TOKEN); the token itself is never written. */
  tokenRequired: z.boolean(),
  /** Whether the control plane serves TLS (clients need --tls-ca-cert). */
  tls: z.boolean(),
  startedAt: z.iso.datetime(),
  /** Working directory of the process. */
  cwd: z.string(),
  /** SQLite file its runs are recorded in; null when they are not kept (--no-persistence). */
  database: z.string().nullable(),
  /** The command line that started it, for people reading `flowctl status` notes. */
  command: z.string(),
  /** The run it executes (`run`, `diagnose`). */
  runId: z.string().optional(),
  pipeline: z.string().optional(),
  /** An HTTP address it also serves (the console's UI, or /metrics). */
  url: z.string().optional(),
});
export type DiscoveryEntry = z.output<typeof discoveryEntrySchema>;

/** What a writer provides; the rest (version, pid, start time, cwd, command) is filled in. */
export type DiscoveryInput = Omit<DiscoveryEntry, "version" | "pid" | "startedAt" | "cwd" | "command" | "endpoint"> & Partial<Pick<DiscoveryEntry, "command" | "endpoint">>;

/** Where the files live. */
export interface DiscoveryOptions {
  /** Directory whose `.flowctl/discovery` holds the files. @default process.cwd() */
  cwd?: string;
}

/** A written discovery file; `remove()` deletes it (also done at process exit). */
export interface DiscoveryRecord {
  readonly file: string;
  readonly entry: DiscoveryEntry;
  remove(): void;
}

/** The discovery directory for `cwd`. */
export function discoveryDir(cwd = process.cwd()): string {
  return path.join(path.resolve(cwd), ".flowctl", "discovery");
}

/** `host:port`, with IPv6 hosts bracketed. */
export function formatEndpoint(address: string, port: number): string {
  return `${address.includes(":") && !address.startsWith("[") ? `[${address}]` : address}:${port}`;
}

/** True while a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Writes this process's discovery file (atomically: readers never see half of it) and removes it
 * when the process exits. Throws on a bad entry; a directory that cannot be written is reported by
 * the thrown fs error (callers treat discovery as best effort).
 */
export function writeDiscovery(input: DiscoveryInput, opts: DiscoveryOptions = {}): DiscoveryRecord {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  // A wildcard listen address is reached on loopback from this machine.
  const dialAddress = input.address === "0.0.0.0" || input.address === "::" ? "127.0.0.1" : input.address;
  const entry = discoveryEntrySchema.parse({
    ...input,
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    cwd,
    command: input.command ?? commandLine(),
    endpoint: input.endpoint ?? formatEndpoint(dialAddress, input.port),
    address: dialAddress,
  });
  const dir = discoveryDir(cwd);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${entry.pid}-${entry.port}.json`);
  const tmp = `${file}.${process.hrtime.bigint()}.tmp`;
  writeFileSync(tmp, JSON.stringify(entry, null, 2) + "\n", { mode: 0o644 });
  renameSync(tmp, file);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.removeListener("exit", remove);
    rmSync(file, { force: true });
  };
  // Runs on process.exit and normal ends; a SIGKILL leaves the file, which readers then ignore.
  process.on("exit", remove);
  return { file, entry, remove };
}

/** A discovery file that could not be used, and why (for notes, never fatal). */
export interface IgnoredDiscoveryFile {
  file: string;
  reason: string;
}

/**
 * The live entries under `cwd`, newest first. Files of processes that are gone are deleted;
 * unreadable or malformed files are skipped and listed in `ignored`.
 */
export function readDiscovery(opts: DiscoveryOptions = {}): { entries: DiscoveryEntry[]; ignored: IgnoredDiscoveryFile[] } {
  const dir = discoveryDir(opts.cwd);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return { entries: [], ignored: [] };
  }
  const entries: DiscoveryEntry[] = [];
  const ignored: IgnoredDiscoveryFile[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      // Removed between the listing and the read: not worth a note.
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") ignored.push({ file, reason: `not valid JSON (${(err as Error).message})` });
      continue;
    }
    const parsed = discoveryEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      ignored.push({ file, reason: `${issue.path.join(".") || "(root)"}: ${issue.message}` });
      continue;
    }
    if (!isProcessAlive(parsed.data.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    entries.push(parsed.data);
  }
  entries.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.pid - a.pid);
  return { entries, ignored };
}

/** One line naming an entry for people: `flowctl run (pipeline demo, run 1d06632b, pid 4242)`. */
export function describeDiscoveryEntry(e: DiscoveryEntry): string {
  const what = [e.pipeline ? `pipeline ${e.pipeline}` : "", e.runId ? `run ${e.runId.slice(0, 8)}` : "", `pid ${e.pid}`].filter(Boolean).join(", ");
  return `flowctl ${e.kind} (${what})`;
}

/** This process's command line, with the value of any secret flag (`--token`) replaced. */
export function commandLine(argv: readonly string[] = process.argv.slice(2)): string {
  const args = argv.map((a, i) => {
    if (/^--[\w-]*(token|password|secret)[\w-]*=/i.test(a)) return `${a.slice(0, a.indexOf("="))}=***`;
    if (i > 0 && /^--[\w-]*(token|password|secret)[\w-]*$/i.test(argv[i - 1]!)) return "***";
    return /[\s"']/.test(a) ? JSON.stringify(a) : a;
  });
  return ["flowctl", ...args].join(" ");
}

/** Splits `host:port` (IPv6 hosts bracketed). */
export function splitEndpoint(endpoint: string): { address: string; port: number } {
  const i = endpoint.lastIndexOf(":");
  return { address: endpoint.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(endpoint.slice(i + 1)) };
}

/**
 * {@link writeDiscovery} for a control plane listening at `endpoint`, best effort: a directory that
 * cannot be written costs only the discovery (logged), never the run or server.
 */
export function announceControlPlane(
  kind: DiscoveryKind,
  endpoint: string,
  info: { runId?: string; pipeline?: string; database: string | null; tokenRequired: boolean; tls?: boolean; url?: string },
  logger: Logger,
  opts: DiscoveryOptions = {},
): DiscoveryRecord | undefined {
  try {
    return writeDiscovery({ kind, ...splitEndpoint(endpoint), ...info, tls: info.tls ?? false }, opts);
  } catch (err) {
    logger.warn("could not write the discovery file: other commands will need the control plane's address", { error: (err as Error).message });
    return undefined;
  }
}
