/** Which local addresses a TCP port is listening on, from /proc/net/tcp and tcp6 (Linux). */
import fs from "node:fs";

function decodeV4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join(".");
}

function decodeV6(hex: string): string {
  if (hex === "0".repeat(32)) return "::";
  if (hex === "00000000000000000000000001000000") return "::1";
  // ::ffff:a.b.c.d is stored as three words of prefix then the IPv4 word.
  if (hex.startsWith("0000000000000000FFFF0000")) return `::ffff:${decodeV4(hex.slice(24))}`;
  return hex;
}

/** Addresses (`127.0.0.1`, `0.0.0.0`, `::`, …) listening on `port`. */
export function listeningAddresses(port: number): string[] {
  const out: string[] = [];
  for (const [file, decode] of [["/proc/net/tcp", decodeV4], ["/proc/net/tcp6", decodeV6]] as const) {
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== "0A") continue; // 0A = LISTEN
      const [addr, p] = f[1]!.split(":") as [string, string];
      if (Number.parseInt(p, 16) === port) out.push(decode(addr));
    }
  }
  return out;
}
