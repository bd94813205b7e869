-- Connections name their destination (a Rescue region, an Entra cloud) instead of storing a URL, so a tenant
-- can no longer send its stored secrets to an address of its choosing. The Rescue service token becomes the
-- API token (same value: the Admin Center's generated token), and the Rescue password becomes optional.

-- Rescue: the public default URL is the global region, the enterprise host its region, anything else (an
-- emulator) the sandbox.
ALTER TABLE "rescue_connections" ADD COLUMN "region" TEXT NOT NULL DEFAULT 'global';
UPDATE "rescue_connections" SET "region" = CASE rtrim("api_base_url", '/')
    WHEN 'https://secure.logmeinrescue.com' THEN 'global'
    WHEN 'https://secure.logmeinrescue-enterprise.com' THEN 'enterprise'
    ELSE 'sandbox'
END;
ALTER TABLE "rescue_connections" DROP COLUMN "api_base_url";
ALTER TABLE "rescue_connections" ADD CONSTRAINT "rescue_connections_region_check"
    CHECK ("region" IN ('global', 'enterprise', 'sandbox'));
ALTER TABLE "rescue_connections" RENAME COLUMN "service_token_enc" TO "api_token_enc";
ALTER TABLE "rescue_connections" ALTER COLUMN "password_enc" SET DEFAULT '';

-- Entra: no override is the global cloud; an override pointed at the emulator, the sandbox.
ALTER TABLE "entra_connections" ADD COLUMN "cloud" TEXT NOT NULL DEFAULT 'global';
UPDATE "entra_connections" SET "cloud" = CASE
    WHEN coalesce(rtrim("authority_host", '/'), 'https://login.microsoftonline.com') = 'https://login.microsoftonline.com'
     AND coalesce(rtrim("graph_base_url", '/'), 'https://graph.microsoft.com') = 'https://graph.microsoft.com'
    THEN 'global'
    ELSE 'sandbox'
END;
ALTER TABLE "entra_connections" DROP COLUMN "authority_host";
ALTER TABLE "entra_connections" DROP COLUMN "graph_base_url";
ALTER TABLE "entra_connections" ADD CONSTRAINT "entra_connections_cloud_check"
    CHECK ("cloud" IN ('global', 'usgov', 'usgov-dod', 'china', 'sandbox'));

-- Secrets sealed before they were bound to a destination keep opening, marked as such; saving a secret again
-- seals it bound to the connection's destination.
UPDATE "rescue_connections" SET "password_enc" = 'legacy:' || "password_enc" WHERE "password_enc" <> '';
UPDATE "rescue_connections" SET "api_token_enc" = 'legacy:' || "api_token_enc" WHERE "api_token_enc" <> '';
UPDATE "entra_connections" SET "client_secret_enc" = 'legacy:' || "client_secret_enc" WHERE "client_secret_enc" <> '';
