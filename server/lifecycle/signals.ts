/**
 * SIGINT/SIGTERM/SIGHUP handling, registered once: the first signal starts a graceful stop, a
 * second one (Ctrl-C twice) forces. SIGHUP — the terminal was closed — is a stop like SIGTERM: by
 * default it would kill the engine and leave its components (own process groups) running.
 * Returns the cleanup that unregisters the handlers.
 */
export interface SignalHandlers {
  /** First SIGINT, SIGTERM or SIGHUP. */
  onGraceful: (signal: NodeJS.Signals) => void;
  /** Second signal while the graceful stop is running. */
  onForce: (signal: NodeJS.Signals) => void;
}

/** The signals that stop the engine gracefully. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export function handleSignals(h: SignalHandlers): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) h.onGraceful(signal);
    else h.onForce(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return () => {
    for (const s of STOP_SIGNALS) process.off(s, handler);
  };
}
