/**
 * zod pieces for environment variables (strings in, typed values out), shared by the SDK's runtime
 * contract and the built-ins' settings — and so by `flowctl validate`, which checks a built-in's
 * env in the YAML with the same schema the component parses at start-up.
 */
import { z } from "zod";
import { parseDuration } from "../units";

const portNumber = z.coerce.number({ message: "must be a port number" }).int("must be an integer").min(0, "must be ≥ 0").max(65535, "must be ≤ 65535");

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => ["true", "false", "1", "0", "yes", "no", ""].includes(s), "must be true or false")
  .transform((s) => s === "true" || s === "1" || s === "yes");

const nonNegativeInt = z.coerce.number({ message: "must be a number" }).int("must be an integer").min(0, "must be ≥ 0");
const positiveInt = z.coerce.number({ message: "must be a number" }).int("must be an integer").min(1, "must be ≥ 1");
const nonNegativeNumber = z.coerce.number({ message: "must be a number" }).min(0, "must be ≥ 0");

const duration = z.string().transform((raw, ctx) => {
  const ms = parseDuration(raw);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `invalid duration ${JSON.stringify(raw)} (use e.g. 500ms, 10s)` });
    return z.NEVER;
  }
  return ms;
});

/** Shared zod pieces for component env schemas. */
export const envFields = { bool, nonNegativeInt, positiveInt, nonNegativeNumber, portNumber, duration };
