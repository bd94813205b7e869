-- Runs are owned by a lease: the worker executing a run renews lease_expires_at; a run whose lease expired is
-- resumed or ended as `interrupted` by the reaper. `attempts` counts claims, so a run that keeps dying ends.
ALTER TYPE "RunStatus" ADD VALUE IF NOT EXISTS 'interrupted';
ALTER TABLE "sync_runs" ADD COLUMN "lease_owner" TEXT;
ALTER TABLE "sync_runs" ADD COLUMN "lease_expires_at" TIMESTAMP(3);
ALTER TABLE "sync_runs" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "sync_runs" ADD COLUMN "cancel_requested_at" TIMESTAMP(3);
ALTER TABLE "sync_runs" ADD COLUMN "cancel_requested_by" TEXT;
CREATE INDEX "sync_runs_status_lease_expires_at_idx" ON "sync_runs" ("status", "lease_expires_at");
