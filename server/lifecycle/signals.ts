/**
 * SIGINT/SIGTERM handling, registered once: the first signal starts a graceful stop, a second
 * SIGINT (Ctrl-C twice) forces. Returns the cleanup that unregisters the handlers.
 */
export interface SignalHandlers {
  /** First SIGINT or SIGTERM. */
  onGraceful: (signal: NodeJS.Signals) => void;
  /** Second signal while the graceful stop is running. */
  onForce: (signal: NodeJS.Signals) => void;
}

export function handleSignals(h: SignalHandlers): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) h.onGraceful(signal);
    else h.onForce(signal);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
