-- rule 15: one owner per Rescue organisation. A connection records the organisation its API token belongs to
-- (getAccount's AccountID and Organization) when it is saved or tested, or at the first run when Rescue could not
-- be asked then. The unique index makes two tenants holding the same organisation impossible, even when two
-- saves race: AccountIDs are per Rescue service, so the index is per destination (region).
-- Existing connections start unknown (NULL, which the index does not compare): their next run records it.
ALTER TABLE "rescue_connections" ADD COLUMN "rescue_account_id" INTEGER;
ALTER TABLE "rescue_connections" ADD COLUMN "rescue_organization" TEXT;
ALTER TABLE "rescue_connections" ADD CONSTRAINT "rescue_connections_rescue_account_id_check"
    CHECK ("rescue_account_id" IS NULL OR "rescue_account_id" > 0);
CREATE UNIQUE INDEX "rescue_connections_region_rescue_account_id_key"
    ON "rescue_connections" ("region", "rescue_account_id");
