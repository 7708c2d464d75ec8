import { describe, expect, it } from "vitest";
import { sourceParams } from "./source-params";

describe("sourceParams", () => {
  it("forwards START_LEDGER/END_LEDGER from env as flowctl does", () => {
    expect(sourceParams({ config: {}, env: { START_LEDGER: "1000000", END_LEDGER: "1001000", OTHER: "x" } })).toEqual({
      start_ledger: "1000000",
      end_ledger: "1001000",
    });
  });

  it("passes config keys by their YAML names, objects as JSON", () => {
    expect(sourceParams({ config: { start_ledger: 2187805, network: { name: "testnet" }, skip: null }, env: { START_LEDGER: "2187805" } })).toEqual({
      start_ledger: "2187805",
      network: '{"name":"testnet"}',
    });
  });
});
