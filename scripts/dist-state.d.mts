// Types of scripts/dist-state.mjs for the TypeScript that calls it (vitest's global setup, tests, bench).
export declare const ROOT: string;
export declare const SRC_DIR: string;
export declare const DIST_DIR: string;
export type DistState = "fresh" | "stale" | "missing" | "installed";
export declare function sourceFiles(): string[];
export declare function sourceSignature(files?: string[]): string;
export declare function distState(opts?: { declarations?: boolean }): DistState;
export declare function ensureDist(opts?: { build?: boolean; declarations?: boolean; log?: (msg: string) => void }): Promise<DistState | "built">;
