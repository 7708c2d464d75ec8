"use client";
/** A page that failed to render: what happened, and a retry (the engine may be stopping). */
import { Banner, Button } from "@/components/ui/ui";

export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const unavailable = /not running in this process|UNAVAILABLE|shutting down/i.test(error.message);
  return (
    <div style={{ maxWidth: 640, display: "flex", flexDirection: "column", gap: 14 }}>
      <h1>{unavailable ? "The engine is not available" : "This page could not be shown"}</h1>
      <Banner tone="bad">{unavailable ? "The flowctl console process is stopping or was not started with `flowctl console`." : error.message || "An unexpected error occurred."}</Banner>
      {error.digest && <p className="muted">Reference: {error.digest} (also in the console's log).</p>}
      <div>
        <Button variant="primary" onClick={reset}>
          Try again
        </Button>
      </div>
    </div>
  );
}
