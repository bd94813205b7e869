-- Reviewing blocked runs and estimating a configuration change before it is saved.
--
-- sync_runs.proposal: a dry run that estimates a proposed change of the tenant's pairs (remove one, change its
-- filter or priority, add one). The worker plans with the proposal applied to the saved pairs and never saves it.
-- A run with a proposal is not a preview of the tenant's current configuration.
ALTER TABLE "sync_runs" ADD COLUMN "proposal" JSONB;

-- tenants.attention_run_id: the blocked run the tenant's attention reason is about. The warning stays while the
-- cause does (dismissing the run does not lift it); the next real run that is not blocked lifts it.
ALTER TABLE "tenants" ADD COLUMN "attention_run_id" UUID;

-- Tenants whose latest real run is blocked get that warning now.
UPDATE "tenants" t
   SET "attention_reason" = COALESCE(t."attention_reason",
         'A run was stopped by the safety threshold: review what it would disable, then approve or dismiss it.'),
       "attention_run_id" = latest."id"
  FROM (SELECT DISTINCT ON ("tenant_id") "tenant_id", "id", "status"
          FROM "sync_runs"
         WHERE NOT "dry_run"
         ORDER BY "tenant_id", "queued_at" DESC) latest
 WHERE latest."tenant_id" = t."id" AND latest."status" = 'blocked';

-- Blocked runs dismissed before now kept their actions "planned": they were never applied.
UPDATE "sync_actions" a
   SET "status" = 'skipped', "error_code" = 'DISMISSED', "error" = 'The run was dismissed.',
       "updated_at" = now()
  FROM "sync_runs" r
 WHERE a."run_id" = r."id" AND a."status" = 'planned' AND r."status" = 'cancelled' AND NOT r."dry_run"
   AND r."approved_at" IS NULL AND r."report"->>'status' = 'blocked';
