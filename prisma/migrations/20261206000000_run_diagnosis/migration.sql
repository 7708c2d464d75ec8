-- AlterTable: the diagnosis of a run as it ran (the `flowctl diagnose --json` object, taken when the
-- run left RUNNING), stored once at the end so history and the console show it without recomputing.
ALTER TABLE "Run" ADD COLUMN "diagnosis" TEXT;
