import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveDatabase } from "./database-url";

const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "flowctl-dburl-"));

describe("resolveDatabase", () => {
  it("reads the store's location from FLOWCTL_DATABASE_URL", () => {
    const file = path.join(cwd, "custom", "store.db");
    expect(resolveDatabase({ cwd, env: { FLOWCTL_DATABASE_URL: `file:${file}` } }).file).toBe(file);
    expect(resolveDatabase({ cwd, env: { FLOWCTL_DATABASE_URL: "rel/x.db" } }).file).toBe(path.join(cwd, "rel", "x.db"));
  });

  it("leaves DATABASE_URL to the postgres sink: a postgres URL there does not break the store", () => {
    const r = resolveDatabase({ cwd, env: { DATABASE_URL: "postgres://postgres@localhost:5432/events" } });
    expect(r.file).toBe(path.join(cwd, ".flowctl", "flowctl.db"));
  });

  it("names the variable a bad value came from", () => {
    expect(() => resolveDatabase({ cwd, env: { FLOWCTL_DATABASE_URL: "postgres://x/y" } })).toThrow(/^FLOWCTL_DATABASE_URL: only SQLite file URLs/);
    expect(() => resolveDatabase({ cwd, databaseUrl: "file:" })).toThrow(/^databaseUrl: empty path/);
  });
});
