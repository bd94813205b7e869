-- What the portal's technicians page shows of each linked technician without reading Rescue: its status, its
-- Rescue group, the pair that brought its user, and when and by which run it last changed. The worker writes these
-- as actions succeed; existing links are filled from the actions already recorded.
ALTER TABLE "links"
  ADD COLUMN "technician_status" TEXT,
  ADD COLUMN "rescue_group_id" INTEGER,
  ADD COLUMN "rescue_group_name" TEXT,
  ADD COLUMN "mapping_id" UUID,
  ADD COLUMN "changed_at" TIMESTAMP(3),
  ADD COLUMN "changed_by_run_id" UUID;

CREATE INDEX "links_tenant_id_technician_status_idx" ON "links" ("tenant_id", "technician_status");
CREATE INDEX "sync_actions_tenant_id_updated_at_idx" ON "sync_actions" ("tenant_id", "updated_at");

-- Status: the last status-bearing action that ended (a failed enable leaves it disabled, a failed disable enabled).
UPDATE "links" AS l
   SET "technician_status" = s.status
  FROM (
    SELECT DISTINCT ON (a.tenant_id, a.entra_user_id) a.tenant_id, a.entra_user_id,
           CASE
             WHEN a.kind IN ('create', 'adopt') THEN 'enabled'
             WHEN a.kind = 'enable' THEN CASE WHEN a.status = 'succeeded' THEN 'enabled' ELSE 'disabled' END
             ELSE CASE WHEN a.status = 'succeeded' THEN 'disabled' ELSE 'enabled' END
           END AS status
      FROM "sync_actions" AS a
      JOIN "sync_runs" AS r ON r.id = a.run_id AND NOT r.dry_run
     WHERE a.kind IN ('create', 'adopt', 'enable', 'disable')
       AND a.status <> 'planned'
       AND (a.kind NOT IN ('create', 'adopt') OR a.status = 'succeeded')
     ORDER BY a.tenant_id, a.entra_user_id, a.updated_at DESC, a.id DESC
  ) AS s
 WHERE l.tenant_id = s.tenant_id AND l.entra_user_id = s.entra_user_id;

-- Group, pair and last change: the last action applied to the technician.
UPDATE "links" AS l
   SET "rescue_group_id" = s.rescue_group_id,
       "rescue_group_name" = s.rescue_group_name,
       "mapping_id" = s.mapping_id,
       "changed_at" = s.updated_at,
       "changed_by_run_id" = s.run_id
  FROM (
    SELECT DISTINCT ON (a.tenant_id, a.entra_user_id) a.tenant_id, a.entra_user_id, a.rescue_group_id,
           a.rescue_group_name, a.updated_at, a.run_id,
           CASE WHEN a.cause -> 'pair' ->> 'mappingId' ~ '^[0-9a-f-]{36}$'
                THEN (a.cause -> 'pair' ->> 'mappingId')::uuid END AS mapping_id
      FROM "sync_actions" AS a
      JOIN "sync_runs" AS r ON r.id = a.run_id AND NOT r.dry_run
     WHERE a.status = 'succeeded'
     ORDER BY a.tenant_id, a.entra_user_id, a.updated_at DESC, a.id DESC
  ) AS s
 WHERE l.tenant_id = s.tenant_id AND l.entra_user_id = s.entra_user_id;
