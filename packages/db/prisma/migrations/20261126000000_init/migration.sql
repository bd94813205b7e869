-- CreateEnum
CREATE TYPE "Role" AS ENUM ('owner', 'admin', 'viewer');

-- CreateEnum
CREATE TYPE "RunTrigger" AS ENUM ('schedule', 'portal', 'api', 'notification');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'succeeded', 'partial', 'failed', 'blocked', 'cancelled');

-- CreateEnum
CREATE TYPE "ActionKind" AS ENUM ('create', 'adopt', 'update', 'enable', 'disable');

-- CreateEnum
CREATE TYPE "ActionStatus" AS ENUM ('planned', 'succeeded', 'failed', 'skipped');

-- CreateEnum
CREATE TYPE "LogLevel" AS ENUM ('debug', 'info', 'warn', 'error');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('portal_user', 'api_key', 'system');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "schedule_interval_minutes" INTEGER NOT NULL DEFAULT 30,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "sandbox_mode" BOOLEAN NOT NULL DEFAULT false,
    "safety_threshold_percent" INTEGER NOT NULL DEFAULT 10,
    "safety_threshold_minimum" INTEGER NOT NULL DEFAULT 5,
    "attribute_mapping" JSONB,
    "default_password_enc" TEXT,
    "data_key_wrapped" TEXT NOT NULL,
    "data_key_master_key_id" TEXT NOT NULL,
    "attention_reason" TEXT,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "quarantined_until" TIMESTAMP(3),

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "portal_users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "password_hash" TEXT,
    "entra_object_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_sign_in_at" TIMESTAMP(3),

    CONSTRAINT "portal_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "tenant_id" UUID NOT NULL,
    "portal_user_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("tenant_id","portal_user_id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_by" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rescue_connections" (
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_enc" TEXT NOT NULL,
    "service_token_enc" TEXT NOT NULL,
    "api_base_url" TEXT NOT NULL DEFAULT 'https://secure.logmeinrescue.com',
    "last_tested_at" TIMESTAMP(3),
    "last_test_ok" BOOLEAN,
    "last_test_message" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "rescue_connections_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "entra_connections" (
    "tenant_id" UUID NOT NULL,
    "directory_id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "client_secret_enc" TEXT NOT NULL,
    "authority_host" TEXT,
    "graph_base_url" TEXT,
    "last_tested_at" TIMESTAMP(3),
    "last_test_ok" BOOLEAN,
    "last_test_message" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "entra_connections_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "group_mappings" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "entra_group_id" TEXT NOT NULL,
    "entra_group_name" TEXT NOT NULL,
    "rescue_group_id" INTEGER NOT NULL,
    "rescue_group_name" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 100,
    "transitive" BOOLEAN NOT NULL DEFAULT true,
    "filter_attribute" TEXT,
    "filter_operator" TEXT,
    "filter_value" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "group_mappings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "links" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "entra_user_id" TEXT NOT NULL,
    "rescue_node_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "nick" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "sso_id" TEXT NOT NULL,
    "last_run_id" UUID,
    "last_outcome" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delta_states" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "delta_link" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "delta_states_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "trigger" "RunTrigger" NOT NULL,
    "dry_run" BOOLEAN NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "requested_by" TEXT,
    "approved_by" TEXT,
    "approved_at" TIMESTAMP(3),
    "counts" JSONB,
    "report" JSONB,
    "phase" TEXT,
    "progress_done" INTEGER NOT NULL DEFAULT 0,
    "progress_total" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "queued_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_actions" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" "ActionKind" NOT NULL,
    "status" "ActionStatus" NOT NULL DEFAULT 'planned',
    "entra_user_id" TEXT,
    "rescue_node_id" INTEGER,
    "rescue_group_id" INTEGER,
    "display_name" TEXT,
    "email" TEXT,
    "reason" TEXT NOT NULL,
    "changes" JSONB,
    "error_code" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sync_actions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log_entries" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "run_id" UUID,
    "level" "LogLevel" NOT NULL,
    "message" TEXT NOT NULL,
    "context" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "actor_type" "ActorType" NOT NULL,
    "actor_id" TEXT,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "details" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "portal_users_email_key" ON "portal_users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "portal_users_entra_object_id_key" ON "portal_users"("entra_object_id");

-- CreateIndex
CREATE INDEX "memberships_portal_user_id_idx" ON "memberships"("portal_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "api_keys_tenant_id_created_at_idx" ON "api_keys"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "group_mappings_tenant_id_priority_idx" ON "group_mappings"("tenant_id", "priority");

-- CreateIndex
CREATE UNIQUE INDEX "group_mappings_tenant_id_entra_group_id_rescue_group_id_key" ON "group_mappings"("tenant_id", "entra_group_id", "rescue_group_id");

-- CreateIndex
CREATE INDEX "links_tenant_id_email_idx" ON "links"("tenant_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "links_tenant_id_entra_user_id_key" ON "links"("tenant_id", "entra_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "links_tenant_id_rescue_node_id_key" ON "links"("tenant_id", "rescue_node_id");

-- CreateIndex
CREATE UNIQUE INDEX "delta_states_tenant_id_scope_key" ON "delta_states"("tenant_id", "scope");

-- CreateIndex
CREATE INDEX "sync_runs_tenant_id_queued_at_idx" ON "sync_runs"("tenant_id", "queued_at" DESC);

-- CreateIndex
CREATE INDEX "sync_runs_tenant_id_status_idx" ON "sync_runs"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "sync_actions_run_id_kind_idx" ON "sync_actions"("run_id", "kind");

-- CreateIndex
CREATE INDEX "sync_actions_run_id_status_idx" ON "sync_actions"("run_id", "status");

-- CreateIndex
CREATE INDEX "sync_actions_tenant_id_entra_user_id_idx" ON "sync_actions"("tenant_id", "entra_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "sync_actions_run_id_seq_key" ON "sync_actions"("run_id", "seq");

-- CreateIndex
CREATE INDEX "log_entries_tenant_id_created_at_idx" ON "log_entries"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "log_entries_run_id_created_at_idx" ON "log_entries"("run_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_created_at_idx" ON "audit_events"("tenant_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_portal_user_id_fkey" FOREIGN KEY ("portal_user_id") REFERENCES "portal_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rescue_connections" ADD CONSTRAINT "rescue_connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "entra_connections" ADD CONSTRAINT "entra_connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_mappings" ADD CONSTRAINT "group_mappings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "links" ADD CONSTRAINT "links_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delta_states" ADD CONSTRAINT "delta_states_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_actions" ADD CONSTRAINT "sync_actions_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_actions" ADD CONSTRAINT "sync_actions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "log_entries" ADD CONSTRAINT "log_entries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "log_entries" ADD CONSTRAINT "log_entries_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
