/**
 * The pipeline's name in its YAML (`metadata.name`), read and changed for the "New pipeline" name
 * field. The change goes through the `yaml` Document and the core's three-way merge, so every other
 * byte of the user's text stays as written.
 */
import { mergeEdit } from "@/server/core/editor/text-merge";
import { detectStyle, parsePipelineDocument } from "@/server/core/editor/yaml-document";

/** `metadata.name` when it is a string, else undefined (also for text that does not parse). */
export function pipelineNameOf(text: string): string | undefined {
  const doc = parsePipelineDocument(text);
  if (doc.errors.length > 0) return undefined;
  const name = doc.getIn(["metadata", "name"]);
  return typeof name === "string" ? name : undefined;
}

/** `text` with `metadata.name` set to `name`; undefined when the text does not parse. */
export function withPipelineName(text: string, name: string): string | undefined {
  const doc = parsePipelineDocument(text);
  if (doc.errors.length > 0) return undefined;
  const style = detectStyle(text);
  const before = doc.toString(style);
  doc.setIn(["metadata", "name"], name);
  return mergeEdit(text, before, doc.toString(style));
}

/** Why `name` cannot name a pipeline (the API's rule), or undefined when it can. */
export function pipelineNameProblem(name: string): string | undefined {
  if (name === "") return "give the pipeline a name";
  if (name.length > 253) return "a name is at most 253 characters";
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return "letters, digits, '.', '_' and '-', starting with a letter or digit";
  if (name === "new") return "\"new\" is reserved (it is the new-pipeline page)";
  return undefined;
}
