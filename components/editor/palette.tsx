"use client";
/**
 * The palette: built-ins grouped by role and searchable, each with its documented settings, plus a
 * custom command or image. Drag an entry onto the canvas, or press its + to add it.
 */
import { memo, useState, type DragEvent } from "react";
import type { EditOp } from "@/server/core/editor/edit-op";
import type { ComponentRole } from "@/server/core/spec/index";
import { paletteGroups, PALETTE_MIME, type PaletteItem } from "./palette-model";
import styles from "./editor.module.css";

/** What an entry adds (an add-component op without its position). */
export type AddSpec = Omit<Extract<EditOp, { kind: "add-component" }>, "kind" | "position">;

function startDrag(e: DragEvent, spec: AddSpec) {
  e.dataTransfer.setData(PALETTE_MIME, JSON.stringify(spec));
  e.dataTransfer.effectAllowed = "copy";
}

function Entry({ item, onAdd }: { item: PaletteItem; onAdd: (s: AddSpec) => void }) {
  const spec: AddSpec = { role: item.role, origin: { kind: "builtin", name: item.name } };
  return (
    <li className={styles.paletteItem} draggable onDragStart={(e) => startDrag(e, spec)} data-testid={`palette-${item.name}`} data-role={item.role}>
      <div className={styles.paletteRow}>
        <span className={styles.paletteName}>{item.name}</span>
        <button type="button" className={styles.iconButton} onClick={() => onAdd(spec)} aria-label={`Add ${item.name}`} title={`Add ${item.name}`}>
          +
        </button>
      </div>
      <details className={styles.paletteDetails}>
        <summary>{item.description}</summary>
        {item.env.length > 0 ? (
          <dl>
            {item.env.map((v) => (
              <div key={v.name}>
                <dt>
                  <code>{v.name}</code>
                  {v.required && <span className={styles.required}>required</span>}
                </dt>
                <dd>
                  {v.description}
                  {(v.default !== undefined || v.unit) && (
                    <span className="muted">
                      {" "}
                      ({[v.default !== undefined ? `default ${v.default}` : "", v.unit ?? ""].filter(Boolean).join(", ")})
                    </span>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="muted">No settings.</p>
        )}
      </details>
    </li>
  );
}

function CustomEntry({ onAdd }: { onAdd: (s: AddSpec) => void }) {
  const [role, setRole] = useState<ComponentRole>("processor");
  const [kind, setKind] = useState<"command" | "image">("command");
  const [value, setValue] = useState("");
  const words = value.trim().split(/\s+/).filter(Boolean);
  const spec: AddSpec | null = words.length === 0 ? null : kind === "command" ? { role, origin: { kind: "command", command: words } } : { role, origin: { kind: "image", image: value.trim() } };
  return (
    <div className={styles.custom} data-testid="palette-custom">
      <h3>Custom</h3>
      <div className={styles.customRow}>
        <select value={role} onChange={(e) => setRole(e.target.value as ComponentRole)} aria-label="Role of the custom component">
          <option value="source">source</option>
          <option value="processor">processor</option>
          <option value="sink">sink</option>
        </select>
        <select value={kind} onChange={(e) => setKind(e.target.value as "command" | "image")} aria-label="How the custom component runs">
          <option value="command">command</option>
          <option value="image">image</option>
        </select>
      </div>
      <input value={value} onChange={(e) => setValue(e.target.value)} placeholder={kind === "command" ? "node my-component.js" : "ghcr.io/org/component:1.0"} aria-label={kind === "command" ? "Command line" : "Image"} />
      <div
        className={`${styles.customChip} ${spec ? "" : styles.customChipOff}`}
        draggable={spec !== null}
        onDragStart={(e) => spec && startDrag(e, spec)}
        onClick={() => spec && onAdd(spec)}
        role="button"
        tabIndex={0}
        onKeyDown={(e) => e.key === "Enter" && spec && onAdd(spec)}
        aria-disabled={spec === null}
      >
        {spec ? `Drag or click to add this ${role}` : `Type a ${kind} first`}
      </div>
    </div>
  );
}

/** Memoised: it depends on nothing an edit changes. */
export const Palette = memo(function Palette({ onAdd }: { onAdd: (s: AddSpec) => void }) {
  const [query, setQuery] = useState("");
  const groups = paletteGroups(query);
  return (
    <aside className={styles.palette} aria-label="Components">
      <input type="search" className={styles.paletteSearch} placeholder="Search components" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search components" />
      <div className={styles.paletteScroll}>
        {groups.length === 0 && <p className="muted">Nothing matches “{query}”.</p>}
        {groups.map((g) => (
          <section key={g.role} data-group={g.role}>
            <h3 data-role={g.role}>{g.title}</h3>
            <ul>
              {g.items.map((item) => (
                <Entry key={item.name} item={item} onAdd={onAdd} />
              ))}
            </ul>
          </section>
        ))}
        <CustomEntry onAdd={onAdd} />
      </div>
    </aside>
  );
});
