-- rule 14: nothing before activation. A tenant gets a schedule and real runs only once a person pressed "Start
-- syncing" after a successful preview of the current configuration (activated_at, activated_by). Each run records
-- the fingerprint of the configuration it loaded; the tenant keeps the fingerprint a person last acknowledged
-- (activation, a preview, an approval), so a run after a configuration change asks before it disables anyone.
ALTER TABLE "tenants" ADD COLUMN "activated_at" TIMESTAMP(3);
ALTER TABLE "tenants" ADD COLUMN "activated_by" TEXT;
ALTER TABLE "tenants" ADD COLUMN "acknowledged_config_fingerprint" TEXT;
ALTER TABLE "sync_runs" ADD COLUMN "config_fingerprint" TEXT;

-- Existing customers keep syncing: a tenant that is not paused and already had a real run go through counts as
-- activated since that run. Its acknowledged fingerprint stays unknown (null), which asks nothing of its next run.
UPDATE "tenants" AS t
SET "activated_at" = first_run."at", "activated_by" = 'system:migration'
FROM (
  SELECT "tenant_id", MIN(COALESCE("finished_at", "queued_at")) AS "at"
  FROM "sync_runs"
  WHERE "dry_run" = false AND "status" IN ('succeeded', 'partial')
  GROUP BY "tenant_id"
) AS first_run
WHERE first_run."tenant_id" = t."id" AND t."paused" = false;
