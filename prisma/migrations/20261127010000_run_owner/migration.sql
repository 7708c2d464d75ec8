-- AlterTable: which process (host:pid) owns a run, so crash recovery only interrupts runs whose
-- owner is gone and never a run another live engine on the same database is executing.
ALTER TABLE "Run" ADD COLUMN "owner" TEXT;
