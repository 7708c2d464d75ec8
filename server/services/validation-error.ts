/** A pipeline that cannot be saved or run, with every problem (HTTP 422 with `diagnostics`). */
import { FlowError } from "../core/errors";
import type { Diagnostic } from "../core/spec/diagnostics";

export class ValidationFailedError extends FlowError {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
  ) {
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    super("VALIDATION_FAILED", `${message}: ${errors} error(s)`);
  }
}
