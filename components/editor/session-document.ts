/**
 * The session's `yaml` Document, read-only. The core exposes it as `sessionDocument(session)`
 * (older cores kept it on `session.doc`); this reads whichever the core has, and parses the text
 * as a last resort, so the UI never depends on how the core hands its Document over.
 */
import type { Document } from "yaml";
import * as core from "@/server/core/editor/editor-session";
import type { EditorSession } from "@/server/core/editor/editor-session";
import { parsePipelineDocument } from "@/server/core/editor/yaml-document";

type WithDocument = { sessionDocument?: (s: EditorSession) => Document };

/** The Document of `session`'s text; never change it (edits go through `dispatch`). */
export function documentOf(session: EditorSession): Document {
  const read = (core as WithDocument).sessionDocument;
  if (typeof read === "function") return read(session);
  const doc = (session as { doc?: Document }).doc;
  return doc ?? parsePipelineDocument(session.text);
}
