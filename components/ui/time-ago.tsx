"use client";
/**
 * "5 m ago", kept current. The server renders it at request time and the browser at hydration,
 * seconds apart: the text may differ, which is expected (hence suppressHydrationWarning).
 */
import { useEffect, useState } from "react";
import { formatAgo } from "./format";

export function TimeAgo({ iso }: { iso: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString("en-GB")} suppressHydrationWarning>
      {formatAgo(iso, now)}
    </time>
  );
}
