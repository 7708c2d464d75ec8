/**
 * Proof that a registration comes from the process the engine spawned. The supervisor hands each
 * process it starts a fresh random secret (FLOWCTL_INSTANCE_SECRET); the SDK registers with an
 * HMAC of what it claims — run, component id and the endpoint data will be sent to — under that
 * secret. The secret itself never travels, so a registry listing (which shows metadata) cannot
 * leak it, and a copied proof is only good for the same endpoint, i.e. the real component.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Env variable carrying the per-instance secret (forced by the engine, never inherited). */
export const INSTANCE_SECRET_ENV = "FLOWCTL_INSTANCE_SECRET";

/** What a registration claims, bound by the proof. */
export interface InstanceClaim {
  runId: string;
  componentId: string;
  /** The registered data-plane endpoint, exactly as registered. */
  endpoint: string;
}

/** A fresh secret for one spawn (256 bits, base64url). */
export function newInstanceSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The proof the SDK sends in metadata `flowctl.instance_proof` (hex HMAC-SHA256). */
export function instanceProof(secret: string, claim: InstanceClaim): string {
  return createHmac("sha256", secret).update(`${claim.runId}\n${claim.componentId}\n${claim.endpoint}`).digest("hex");
}

/** Constant-time check of a proof against the secret the engine generated. */
export function verifyInstanceProof(secret: string, claim: InstanceClaim, proof: string | undefined): boolean {
  if (!proof || !/^[0-9a-f]{64}$/.test(proof)) return false;
  return timingSafeEqual(Buffer.from(instanceProof(secret, claim), "hex"), Buffer.from(proof, "hex"));
}
