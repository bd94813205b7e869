-- A Microsoft account is named by its object id (oid) within its directory (tid), never by an email claim.
-- Users linked before this keep their oid; their tid is recorded at their next Microsoft sign-in.
ALTER TABLE "portal_users" ADD COLUMN "entra_tenant_id" TEXT;

DROP INDEX "portal_users_entra_object_id_key";

CREATE UNIQUE INDEX "portal_users_entra_tenant_id_entra_object_id_key" ON "portal_users"("entra_tenant_id", "entra_object_id");
