-- Graph change-notification subscriptions: one row per subscription TechSync holds in a tenant's directory
-- (a tenant-wide /groups and a /users one). Notifications name the Graph subscription id; the clientState secret
-- they must carry is kept sealed with the tenant's data key. No rows to backfill: subscriptions are created when
-- a tenant starts syncing (or by the renewal job for tenants already syncing).
CREATE TABLE "graph_subscriptions" (
    "id" UUID NOT NULL ,
    "tenant_id" UUID NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "client_state_enc" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "graph_subscriptions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "graph_subscriptions_tenant_id_fkey" FOREIGN KEY ("tenant_id")
        REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "graph_subscriptions_subscription_id_key" ON "graph_subscriptions"("subscription_id");
CREATE UNIQUE INDEX "graph_subscriptions_tenant_id_resource_key" ON "graph_subscriptions"("tenant_id", "resource");
CREATE INDEX "graph_subscriptions_expires_at_idx" ON "graph_subscriptions"("expires_at");
