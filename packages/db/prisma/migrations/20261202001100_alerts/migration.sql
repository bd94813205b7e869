-- Alerts: who hears about a tenant's trouble (email recipients, signed webhooks), each event once, and every
-- delivery attempt kept for the alerts page. Password reset links (only a hash of each token is kept). The Entra
-- client secret's expiry date, asked for when the secret is entered, for the expiry reminder.

-- The events the tenant's owners get by email (the default recipients); empty: the owners get none.
ALTER TABLE "tenants" ADD COLUMN "owner_alert_events" TEXT[] NOT NULL
    DEFAULT ARRAY['run_blocked','run_failed','tenant_quarantined','credential_rejected','entra_secret_expiring']::TEXT[];

ALTER TABLE "entra_connections" ADD COLUMN "client_secret_expires_at" TIMESTAMP(3);

CREATE TABLE "alert_email_recipients" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "events" TEXT[] NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_email_recipients_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_email_recipients_tenant_id_fkey" FOREIGN KEY ("tenant_id")
        REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "alert_email_recipients_tenant_id_email_key" ON "alert_email_recipients"("tenant_id", "email");

CREATE TABLE "alert_webhooks" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "signing_secret_enc" TEXT NOT NULL,
    "events" TEXT[] NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_webhooks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_webhooks_tenant_id_fkey" FOREIGN KEY ("tenant_id")
        REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "alert_webhooks_tenant_id_idx" ON "alert_webhooks"("tenant_id");

CREATE TABLE "alert_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_events_tenant_id_fkey" FOREIGN KEY ("tenant_id")
        REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "alert_events_tenant_id_dedupe_key_key" ON "alert_events"("tenant_id", "dedupe_key");

CREATE TABLE "alert_deliveries" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "webhook_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMP(3),
    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_deliveries_tenant_id_fkey" FOREIGN KEY ("tenant_id")
        REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "alert_deliveries_event_id_fkey" FOREIGN KEY ("event_id")
        REFERENCES "alert_events"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "alert_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id")
        REFERENCES "alert_webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "alert_deliveries_event_id_channel_target_key" ON "alert_deliveries"("event_id", "channel", "target");
CREATE INDEX "alert_deliveries_tenant_id_created_at_idx" ON "alert_deliveries"("tenant_id", "created_at" DESC);

CREATE TABLE "alert_delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "status_code" INTEGER,
    "response_excerpt" TEXT,
    "error" TEXT,
    CONSTRAINT "alert_delivery_attempts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id")
        REFERENCES "alert_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "alert_delivery_attempts_tenant_id_at_idx" ON "alert_delivery_attempts"("tenant_id", "at" DESC);
CREATE INDEX "alert_delivery_attempts_delivery_id_idx" ON "alert_delivery_attempts"("delivery_id");

CREATE TABLE "password_reset_tokens" (
    "id" UUID NOT NULL,
    "portal_user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    CONSTRAINT "password_reset_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "password_reset_tokens_portal_user_id_fkey" FOREIGN KEY ("portal_user_id")
        REFERENCES "portal_users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "password_reset_tokens_token_hash_key" ON "password_reset_tokens"("token_hash");
CREATE INDEX "password_reset_tokens_portal_user_id_idx" ON "password_reset_tokens"("portal_user_id");
