/**
 * Who may use the console. On loopback nobody logs in, but the Host must be a loopback name (a
 * page elsewhere cannot reach it through DNS rebinding) and a browser's cross-site mutation is
 * refused by its Origin. Bound to any other address, every page and API call needs `FLOWCTL_TOKEN`:
 * `Authorization: Bearer <token>`, or the session cookie the login form sets (an HMAC of an expiry
 * under the token, httpOnly, SameSite=Strict), and cookie-authenticated mutations must come from the
 * console's own origin.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { FlowError } from "../core/errors";

/** Name of the session cookie. */
export const SESSION_COOKIE = "flowctl_session";

/** Shortest token accepted off loopback. */
export const MIN_TOKEN_LENGTH = 16;

/** Sessions last a working week. */
const SESSION_MS = 7 * 24 * 3600 * 1000;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** What a request carries that authentication looks at. */
export interface AuthRequest {
  method: string;
  /** Path without the query. */
  path: string;
  headers: { host?: string | undefined; origin?: string | undefined; authorization?: string | undefined; cookie?: string | undefined };
}

export type AuthDecision =
  | { ok: true; via: "loopback" | "bearer" | "cookie" | "public" }
  | { ok: false; status: 401 | 403 | 421; reason: string; login: boolean };

/** Paths anyone may load: the login page and what it needs. */
const PUBLIC = [/^\/login$/, /^\/api\/auth\/(login|logout)$/, /^\/_next\/static\//, /^\/favicon\.ico$/, /^\/fonts\//];

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface ConsoleAuthOptions {
  loopback: boolean;
  /** Required (≥ 16 characters) off loopback. */
  token?: string | undefined;
  now?: () => number;
}

/** See the module comment. */
export class ConsoleAuth {
  private readonly token: string | undefined;
  private readonly now: () => number;
  readonly loopback: boolean;

  constructor(opts: ConsoleAuthOptions) {
    this.loopback = opts.loopback;
    this.token = opts.token;
    this.now = opts.now ?? Date.now;
    if (!opts.loopback && (!opts.token || opts.token.length < MIN_TOKEN_LENGTH)) {
      throw new FlowError(
        "FAILED_PRECONDITION",
        `the console listens beyond this machine: set FLOWCTL_TOKEN to a secret of at least ${MIN_TOKEN_LENGTH} characters (everyone who can reach it could otherwise start processes), or use --host 127.0.0.1`,
      );
    }
  }

  /** Whether logging in is needed at all. */
  get required(): boolean {
    return !this.loopback;
  }

  /** Decides one request. */
  check(req: AuthRequest): AuthDecision {
    const host = req.headers.host ?? "";
    if (this.loopback) {
      if (!LOOPBACK_HOSTS.has(hostName(host))) {
        return { ok: false, status: 421, reason: `this console answers only to localhost names, not ${JSON.stringify(host)}`, login: false };
      }
      if (MUTATING.has(req.method) && req.headers.origin && !sameOrigin(req.headers.origin, host)) {
        return { ok: false, status: 403, reason: `cross-site request from ${req.headers.origin} refused`, login: false };
      }
      return { ok: true, via: "loopback" };
    }
    if (PUBLIC.some((re) => re.test(req.path))) return { ok: true, via: "public" };
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (bearer !== undefined) {
      return this.tokenMatches(bearer.trim()) ? { ok: true, via: "bearer" } : { ok: false, status: 401, reason: "invalid bearer token", login: false };
    }
    const session = parseCookies(req.headers.cookie ?? "")[SESSION_COOKIE];
    if (!session || !this.sessionValid(session)) {
      return { ok: false, status: 401, reason: "log in with the console's token (FLOWCTL_TOKEN)", login: !req.path.startsWith("/api/") };
    }
    // A cookie rides along with cross-site requests; the Origin says where they came from.
    if (MUTATING.has(req.method) && !(req.headers.origin && sameOrigin(req.headers.origin, host))) {
      return { ok: false, status: 403, reason: "mutations must come from the console's own pages (Origin mismatch)", login: false };
    }
    return { ok: true, via: "cookie" };
  }

  /** A Set-Cookie value for a correct token, else null. */
  login(token: string): string | null {
    if (!this.tokenMatches(token)) return null;
    const expires = this.now() + SESSION_MS;
    const value = `${expires}.${this.sign(String(expires))}`;
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(SESSION_MS / 1000)}`;
  }

  /** A Set-Cookie value that clears the session. */
  logout(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  private tokenMatches(candidate: string): boolean {
    if (!this.token) return false;
    const a = Buffer.from(this.sign(candidate));
    const b = Buffer.from(this.sign(this.token));
    return timingSafeEqual(a, b);
  }

  private sessionValid(value: string): boolean {
    const [expires, mac] = value.split(".");
    if (!expires || !mac || !/^\d+$/.test(expires) || Number(expires) < this.now()) return false;
    const expected = Buffer.from(this.sign(expires));
    const got = Buffer.from(mac);
    return expected.length === got.length && timingSafeEqual(expected, got);
  }

  private sign(data: string): string {
    return createHmac("sha256", this.token ?? "").update(data).digest("base64url");
  }
}

function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  return host.replace(/:\d+$/, "");
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** `a=1; b=2` → {a: "1", b: "2"}. */
export function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}
