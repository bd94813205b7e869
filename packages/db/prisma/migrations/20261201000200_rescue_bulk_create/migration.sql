-- What each tenant's Rescue does with the bulk createUsers call, learned by the worker's runs: unknown (try it
-- once), available (use it) or unavailable (createUser + setUser_v2 only). Reset to unknown whenever the
-- connection's credentials or destination change.
CREATE TYPE "BulkCreateCapability" AS ENUM ('unknown', 'available', 'unavailable');

ALTER TABLE "rescue_connections"
    ADD COLUMN "bulk_create" "BulkCreateCapability" NOT NULL DEFAULT 'unknown',
    ADD COLUMN "bulk_create_reason" TEXT,
    ADD COLUMN "bulk_create_checked_at" TIMESTAMP(3);
