/**
 * The console's HTTP front: authentication in one place (before any page, API route or asset is
 * reached), the login/logout endpoints, then Next's request handler for everything else.
 */
import http from "node:http";
import type { Logger } from "../core/logger";
import type { AuthRequest, ConsoleAuth } from "../services/console-auth";

/** Next's request handler (structural: `app.getRequestHandler()`). */
export type NextHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

const MAX_LOGIN_BODY = 4096;

/** Creates (does not listen) the console's HTTP server. */
export function createConsoleHttpServer(auth: ConsoleAuth, next: NextHandler, logger: Logger): http.Server {
  return http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      logger.error("request failed", { url: req.url, error: String(err) });
      if (!res.headersSent) sendJson(res, 500, { error: { code: "INTERNAL", message: "internal error" } });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://console.invalid");
    const request: AuthRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      headers: { host: req.headers.host, origin: req.headers.origin, authorization: req.headers.authorization, cookie: req.headers.cookie },
    };
    const decision = auth.check(request);
    if (!decision.ok) {
      if (decision.login && request.method === "GET") return redirect(res, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
      return sendJson(res, decision.status, { error: { code: decision.status === 401 ? "UNAUTHENTICATED" : "PERMISSION_DENIED", message: decision.reason } });
    }
    if (url.pathname === "/api/auth/login" && request.method === "POST") return login(req, res);
    if (url.pathname === "/api/auth/logout" && request.method === "POST") {
      res.setHeader("Set-Cookie", auth.logout());
      return redirect(res, "/login");
    }
    await next(req, res);
  }

  async function login(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_LOGIN_BODY);
    const form = new URLSearchParams(body ?? "");
    const target = safeNext(form.get("next"));
    if (!auth.required) return redirect(res, target);
    const cookie = auth.login(form.get("token") ?? "");
    if (!cookie) {
      logger.warn("console login failed", { from: req.socket.remoteAddress });
      return redirect(res, `/login?error=1&next=${encodeURIComponent(target)}`);
    }
    res.setHeader("Set-Cookie", cookie);
    redirect(res, target);
  }
}

/** Only same-site paths: never an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

function redirect(res: http.ServerResponse, location: string): void {
  res.statusCode = 303;
  res.setHeader("Location", location);
  res.end();
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.destroy();
        resolve(null);
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
