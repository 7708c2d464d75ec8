/** Whether a listen address can only be reached from this machine (pure: no DNS, no node:net). */

/** True for `localhost`, `::1`, `127.x.y.z` and `::ffff:127.x.y.z` (brackets allowed). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return /^127(\.\d{1,3}){3}$/.test(v4);
}
