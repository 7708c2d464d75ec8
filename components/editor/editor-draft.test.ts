/** Drafts survive a round trip through storage; anything else stored under the key is ignored. */
import { describe, expect, it } from "vitest";
import { clearDraft, draftKey, readDraft, writeDraft } from "./editor-draft";

class MemoryStorage {
  readonly items = new Map<string, string>();
  full = false;
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.full) throw new DOMException("quota", "QuotaExceededError");
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

describe("editor drafts", () => {
  it("round-trips text, layout and base version", () => {
    const s = new MemoryStorage();
    const layout = { version: 1 as const, positions: { a: { x: 1, y: 2 } } };
    expect(writeDraft(s, draftKey("orders"), { text: "kind: Pipeline\n", layout, baseVersionId: "v1", at: new Date(5000) })).toBe(true);
    expect(readDraft(s, draftKey("orders"))).toEqual({ format: "flowctl.editor.draft/v1", text: "kind: Pipeline\n", layout, baseVersionId: "v1", savedAt: new Date(5000).toISOString() });
    expect(readDraft(s, draftKey(null))).toBeUndefined();
    clearDraft(s, draftKey("orders"));
    expect(readDraft(s, draftKey("orders"))).toBeUndefined();
  });

  it("ignores values that are not drafts and reports a refused write", () => {
    const s = new MemoryStorage();
    s.items.set(draftKey("a"), "{not json");
    s.items.set(draftKey("b"), JSON.stringify({ format: "flowctl.editor.draft/v1", text: 1 }));
    expect(readDraft(s, draftKey("a"))).toBeUndefined();
    expect(readDraft(s, draftKey("b"))).toBeUndefined();
    s.full = true;
    expect(writeDraft(s, draftKey("c"), { text: "", layout: { version: 1, positions: {} }, baseVersionId: null, at: new Date() })).toBe(false);
  });
});
