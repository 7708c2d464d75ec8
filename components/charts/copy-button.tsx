"use client";
import { useState } from "react";
import styles from "@/components/ui/ui.module.css";

/** Copies `text` to the clipboard; says so for a moment. */
export function CopyButton({ text, label = "copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className={styles.copy}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1200);
        });
      }}
      aria-label={`${label}: ${text}`}
    >
      {done ? "copied" : label}
    </button>
  );
}
