/** Pure bottleneck diagnosis over metric windows (imports server/core only). */
export * from "./diagnosis-types";
export { diagnose, queueGrowth } from "./diagnose";
export { computeLoads, type ComponentLoad } from "./component-load";
export { findRootCause, type RootCause } from "./detect-bottleneck";
export { fitLine, type LinearFit } from "./linear-fit";
export { capacityPerReplica } from "./recommendations";
