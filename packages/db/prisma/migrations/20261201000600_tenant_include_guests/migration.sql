-- Guests (userType Guest) are provisioned only when the tenant opts in; existing tenants keep them out.
ALTER TABLE "tenants" ADD COLUMN "include_guests" BOOLEAN NOT NULL DEFAULT false;
