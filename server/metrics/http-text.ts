/**
 * GET a small text body over HTTP/1.1 with a kept-alive connection per target, a byte cap and an
 * AbortSignal. The scrape loop uses it instead of the global `fetch`: inside the console, Next.js
 * wraps `fetch` with its own tracing and caching, and undici's per-request machinery cost more than
 * the scrape itself at 50 targets per second.
 */
import http from "node:http";
import https from "node:https";

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 2 }), https: new https.Agent({ keepAlive: true, maxSockets: 2 }) };

export interface GetTextOptions {
  signal: AbortSignal;
  maxBytes: number;
  headers?: Record<string, string>;
}

/** The body of a 2xx response; rejects with `HTTP <status>`, the socket error's code, or the byte cap. */
export function getText(url: string, opts: GetTextOptions): Promise<string> {
  return getOnce(url, opts, true);
}

function getOnce(url: string, opts: GetTextOptions, mayRetry: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const secure = url.startsWith("https:");
    const req = (secure ? https : http).get(url, { agent: secure ? agents.https : agents.http, headers: opts.headers, signal: opts.signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        res.resume();
        reject(new Error(`HTTP ${status}`));
        return;
      }
      const declared = Number(res.headers["content-length"] ?? "0");
      if (declared > opts.maxBytes) {
        req.destroy();
        reject(new Error(`body of ${declared} bytes exceeds the ${opts.maxBytes}-byte limit`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > opts.maxBytes) {
          req.destroy();
          reject(new Error(`body exceeds the ${opts.maxBytes}-byte limit`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      // A kept-alive connection the target closed between scrapes (it restarted, or its idle timer
      // fired): ask once more on a fresh connection, so the error, if any, is the target's own.
      if (mayRetry && req.reusedSocket && err.code === "ECONNRESET" && !opts.signal.aborted) {
        getOnce(url, opts, false).then(resolve, reject);
        return;
      }
      reject(err.code && !err.message.includes(err.code) ? new Error(`${err.message} (${err.code})`) : err);
    });
  });
}
