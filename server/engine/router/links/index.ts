/** The link kinds, one per wire and role. */
export * from "./link";
export * from "./source-links";
export * from "./batch-down-link";
export * from "./event-down-link";
export * from "./event-sink-link";
