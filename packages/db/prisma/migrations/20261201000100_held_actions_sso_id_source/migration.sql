-- rule 16: who owns a technician's SSO id; Rescue unless the tenant chose Entra.
-- CreateEnum
CREATE TYPE "SsoIdSource" AS ENUM ('rescue', 'entra');

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN "sso_id_source" "SsoIdSource" NOT NULL DEFAULT 'rescue';

-- Unknown Rescue return codes: the refused action is held until its input fingerprint changes.
-- CreateTable
CREATE TABLE "held_actions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_id" TEXT NOT NULL,
    "input_fingerprint" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "run_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "held_actions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "held_actions_tenant_id_action_id_key" ON "held_actions"("tenant_id", "action_id");

-- AddForeignKey
ALTER TABLE "held_actions" ADD CONSTRAINT "held_actions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
