/**
 * How a built-in component's Node.js runs: V8 and allocator settings measured for components that
 * move events (docs/benchmarks.md, "The latency tail"). The process driver passes them on the
 * command line; translate puts them in the containers' environment (NODE_OPTIONS).
 *
 * - `--max-semi-space-size=4` (MB): Node lets the young generation grow to 16 MB semi-spaces.
 *   A component's old generation is small (~10 MB live), and once the young generation is larger
 *   than the old generation's headroom V8 starts a full mark-compact after every incremental
 *   marking, continuously — `npm run bench -- --only young-gen` found a processor with 27 full
 *   collections in a 10 s window in two of three runs, and p99 at 10k events/s 6–9 ms against
 *   3–4 ms. Capped at 4 MB it never did, and throughput rose (more, shorter scavenges).
 * - `MALLOC_ARENA_MAX=2`: glibc gives every thread that allocates its own arena; a component is one
 *   JavaScript thread plus V8's and libuv's helpers, and the extra arenas were a few MB of each
 *   idle component's RSS.
 *
 * Both yield to the user: a NODE_OPTIONS that sets the semi-space size, or a MALLOC_ARENA_MAX in
 * the component's or the engine's environment, is left as it is.
 */

/** The young generation's semi-space cap for built-ins, MB. */
export const BUILTIN_SEMI_SPACE_MB = 4;

/** Node flags placed before the built-in's script. */
export function builtinNodeFlags(env: Readonly<Record<string, string | undefined>>): string[] {
  if (/--max-semi-space-size\b/.test(env.NODE_OPTIONS ?? "")) return [];
  return [`--max-semi-space-size=${BUILTIN_SEMI_SPACE_MB}`];
}

/** Environment a built-in gets unless the component or the engine already sets it. */
export function builtinEnvDefaults(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return env.MALLOC_ARENA_MAX === undefined ? { MALLOC_ARENA_MAX: "2" } : {};
}

/**
 * The same settings for a built-in in a container (Compose, Kubernetes), where the flowctl image's
 * entry point starts Node and NODE_OPTIONS is the only way to pass it a flag.
 */
export function builtinContainerEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out = builtinEnvDefaults(env);
  const flags = builtinNodeFlags(env);
  if (flags.length > 0) out.NODE_OPTIONS = [env.NODE_OPTIONS, ...flags].filter((x) => x && x.trim() !== "").join(" ");
  return out;
}
