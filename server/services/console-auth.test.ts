import { describe, expect, it } from "vitest";
import { ConsoleAuth, parseCookies, SESSION_COOKIE } from "./console-auth";

const TOKEN = "s3cret-token-0123456789";
const req = (over: Partial<{ method: string; path: string; host: string; origin: string; authorization: string; cookie: string }> = {}) => ({
  method: over.method ?? "GET",
  path: over.path ?? "/api/pipelines",
  headers: { host: over.host ?? "console.example:3000", origin: over.origin, authorization: over.authorization, cookie: over.cookie },
});

describe("ConsoleAuth on loopback", () => {
  const auth = new ConsoleAuth({ loopback: true });

  it("needs no login from localhost names", () => {
    expect(auth.check(req({ host: "127.0.0.1:3000" }))).toEqual({ ok: true, via: "loopback" });
    expect(auth.check(req({ host: "localhost:3000" }))).toEqual({ ok: true, via: "loopback" });
    expect(auth.check(req({ host: "[::1]:3000" }))).toEqual({ ok: true, via: "loopback" });
  });

  it("refuses other Host names, so a page elsewhere cannot reach it by DNS rebinding", () => {
    expect(auth.check(req({ host: "attacker.example:3000" }))).toMatchObject({ ok: false, status: 421 });
  });

  it("refuses a browser's cross-site mutation by its Origin, and allows same-origin ones", () => {
    expect(auth.check(req({ method: "POST", host: "127.0.0.1:3000", origin: "http://evil.example" }))).toMatchObject({ ok: false, status: 403 });
    expect(auth.check(req({ method: "POST", host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }))).toMatchObject({ ok: true });
    // curl and scripts send no Origin.
    expect(auth.check(req({ method: "POST", host: "127.0.0.1:3000" }))).toMatchObject({ ok: true });
  });
});

describe("ConsoleAuth off loopback", () => {
  const now = 1_800_000_000_000;
  const auth = new ConsoleAuth({ loopback: false, token: TOKEN, now: () => now });

  it("will not start without a token of at least 16 characters", () => {
    expect(() => new ConsoleAuth({ loopback: false })).toThrow(/FLOWCTL_TOKEN/);
    expect(() => new ConsoleAuth({ loopback: false, token: "short" })).toThrow(/16 characters/);
  });

  it("refuses the API without credentials and sends pages to the login form", () => {
    expect(auth.check(req())).toMatchObject({ ok: false, status: 401, login: false });
    expect(auth.check(req({ path: "/runs" }))).toMatchObject({ ok: false, status: 401, login: true });
    expect(auth.check(req({ path: "/login" }))).toEqual({ ok: true, via: "public" });
    expect(auth.check(req({ path: "/_next/static/chunks/x.js" }))).toEqual({ ok: true, via: "public" });
  });

  it("accepts the right bearer token only", () => {
    expect(auth.check(req({ authorization: `Bearer ${TOKEN}` }))).toEqual({ ok: true, via: "bearer" });
    expect(auth.check(req({ authorization: "Bearer nope" }))).toMatchObject({ ok: false, status: 401 });
  });

  it("issues an httpOnly, SameSite=Strict session that authenticates, expires and binds mutations to its origin", () => {
    expect(auth.login("wrong")).toBeNull();
    const setCookie = auth.login(TOKEN)!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(";")[0]!;
    expect(auth.check(req({ cookie }))).toEqual({ ok: true, via: "cookie" });
    expect(auth.check(req({ method: "POST", cookie, origin: "http://console.example:3000" }))).toEqual({ ok: true, via: "cookie" });
    expect(auth.check(req({ method: "POST", cookie }))).toMatchObject({ ok: false, status: 403 });
    expect(auth.check(req({ method: "POST", cookie, origin: "http://evil.example" }))).toMatchObject({ ok: false, status: 403 });
    // A forged or tampered cookie, and an expired one, do not authenticate.
    expect(auth.check(req({ cookie: `${SESSION_COOKIE}=${now + 1000}.forged` }))).toMatchObject({ ok: false, status: 401 });
    const later = new ConsoleAuth({ loopback: false, token: TOKEN, now: () => now + 8 * 24 * 3600 * 1000 });
    expect(later.check(req({ cookie }))).toMatchObject({ ok: false, status: 401 });
    // Another token (the console restarted with a new secret) invalidates every session.
    const rotated = new ConsoleAuth({ loopback: false, token: "another-token-0123456789", now: () => now });
    expect(rotated.check(req({ cookie }))).toMatchObject({ ok: false, status: 401 });
  });

  it("parses cookie headers", () => {
    expect(parseCookies("a=1; b=x%20y")).toEqual({ a: "1", b: "x y" });
  });
});
