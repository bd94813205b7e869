-- Incremental runs from Graph delta.
--
-- sync_runs.mode: "full" reads every mapped group and the whole Rescue tree (every run before this one was full);
-- "incremental" reads only what Graph's delta says changed since the tenant's stored delta links.
-- sync_runs.mode_reason: why the worker ran it as it did ("full: delta link expired"); null until it decided.
CREATE TYPE "RunMode" AS ENUM ('full', 'incremental');
ALTER TABLE "sync_runs" ADD COLUMN "mode" "RunMode" NOT NULL DEFAULT 'full';
ALTER TABLE "sync_runs" ADD COLUMN "mode_reason" TEXT;

-- tenants.full_reconcile_minutes: how often the schedule runs a full reconciling run instead of an incremental one
-- (60..10080 minutes; default daily).
ALTER TABLE "tenants" ADD COLUMN "full_reconcile_minutes" INTEGER NOT NULL DEFAULT 1440;
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_full_reconcile_minutes_range"
  CHECK ("full_reconcile_minutes" BETWEEN 60 AND 10080);

-- delta_states.mappings_fingerprint: the mapped groups the link was taken for. A link taken for other mappings
-- cannot say what changed for these, so the next run is full. Existing links (none were used by any run) are
-- dropped: the next full run takes fresh ones.
ALTER TABLE "delta_states" ADD COLUMN "mappings_fingerprint" TEXT NOT NULL DEFAULT '';
DELETE FROM "delta_states";
