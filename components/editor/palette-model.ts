/**
 * The palette's content: every built-in of the catalogue grouped by role, with its documented
 * settings, filtered by a search over names, descriptions and setting names. Pure.
 */
import { BUILTIN_COMPONENTS, type BuiltinEnvVar, type ComponentRole } from "@/server/core/spec/index";

/** One built-in as the palette lists it. */
export interface PaletteItem {
  name: string;
  role: ComponentRole;
  description: string;
  env: readonly BuiltinEnvVar[];
}

/** A role's built-ins. */
export interface PaletteGroup {
  role: ComponentRole;
  title: string;
  items: PaletteItem[];
}

const TITLES: Record<ComponentRole, string> = { source: "Sources", processor: "Processors", sink: "Sinks" };

/** The drag payload's MIME type (what the canvas accepts on drop). */
export const PALETTE_MIME = "application/x-flowctl-component";

/** Groups in flow order; with a query, only items matching every word (empty groups dropped). */
export function paletteGroups(query = ""): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (b: PaletteItem) => {
    const hay = [b.name, b.role, b.description, ...b.env.flatMap((e) => [e.name, e.description])].join(" ").toLowerCase();
    return words.every((w) => hay.includes(w));
  };
  return (["source", "processor", "sink"] as const)
    .map((role) => ({ role, title: TITLES[role], items: BUILTIN_COMPONENTS.filter((b) => b.role === role && matches(b)) }))
    .filter((g) => words.length === 0 || g.items.length > 0);
}
