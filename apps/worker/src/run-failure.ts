// Why a run failed, in words a person can act on, and whether a person must act (not a passing outage).
import { DestinationError } from "@techsync/config/destinations";
import { type PrismaClient, TenantNotConnectedError } from "@techsync/db";
import { EntraError } from "@techsync/entra";
import type { TenantScheduleSettings } from "@techsync/jobs";
import { RescueError } from "@techsync/rescue";
import { type DatabaseRunRecorder, RunSetupError } from "@techsync/runs";
import { RetryFailure, SyncPortError } from "@techsync/sync-core";
import type { AdapterSystem } from "./tenant-adapters";
import { recordTenantRunFailure } from "./tenant-health";

export interface RunFailure {
  message: string;
  needsAttention: boolean;
  system?: AdapterSystem;
  /** Rescue or Entra refused the stored credential (wrong, expired or revoked secret, token or login). */
  credentialRejected?: AdapterSystem;
}

/** Entra's kinds and Rescue's return codes that mean "the credential TechSync holds was refused". */
const ENTRA_CREDENTIAL_KINDS = new Set([
  "invalidSecret",
  "secretExpired",
  "appNotFound",
  "appDisabled",
  "tokenRejected",
]);
const RESCUE_CREDENTIAL_CODES = new Set([
  "INVALID",
  "INVALID_SECRETAUTHCODE",
  "USER_DELETED_OR_DISABLED",
  "NOTLOGGEDINASADMIN",
]);

export function describeRunFailure(error: unknown): RunFailure {
  const unwrapped = error instanceof RetryFailure ? error.error : error;
  if (unwrapped instanceof SyncPortError) {
    const message = [unwrapped.message, unwrapped.hint].filter(Boolean).join(" ");
    // Retryable errors that outlasted their retries are an outage, not something a person must fix.
    return {
      message,
      needsAttention: !unwrapped.retryable && !unwrapped.sessionExpired,
      ...(unwrapped instanceof RescueError ? { system: "rescue" as const } : {}),
      ...(unwrapped instanceof EntraError ? { system: "entra" as const } : {}),
      ...(unwrapped instanceof RescueError && RESCUE_CREDENTIAL_CODES.has(unwrapped.code)
        ? { credentialRejected: "rescue" as const }
        : {}),
      ...(unwrapped instanceof EntraError && ENTRA_CREDENTIAL_KINDS.has(unwrapped.kind)
        ? { credentialRejected: "entra" as const }
        : {}),
    };
  }
  if (unwrapped instanceof RunSetupError)
    return { message: `${unwrapped.message} ${unwrapped.hint}`, needsAttention: true };
  if (unwrapped instanceof TenantNotConnectedError) {
    return { message: `${unwrapped.message} Complete the tenant's connections in the portal.`, needsAttention: true };
  }
  if (unwrapped instanceof DestinationError) {
    return {
      message: `The connection's ${unwrapped.field} cannot be used: ${unwrapped.message} Choose another in the portal.`,
      needsAttention: true,
    };
  }
  return { message: unwrapped instanceof Error ? unwrapped.message : String(unwrapped), needsAttention: false };
}

/** After a failed run: the tenant's health (consecutive failures, quarantine) and, if it changed, its schedule. */
export async function settleTenantAfterFailure(
  deps: { prisma: PrismaClient; rescheduleTenant: (tenant: TenantScheduleSettings) => Promise<void> },
  recorder: Pick<DatabaseRunRecorder, "log" | "flush">,
  tenantId: string,
  failure: RunFailure,
): Promise<{ quarantinedNow: boolean }> {
  const before = await deps.prisma.tenant.findUnique({ where: { id: tenantId }, select: { quarantinedUntil: true } });
  const health = await recordTenantRunFailure(deps.prisma, tenantId, failure.needsAttention ? failure.message : null);
  if (!health?.quarantinedUntil) return { quarantinedNow: false };
  recorder.log("warn", "the tenant is quarantined: its scheduled runs back off until a run succeeds", {
    until: health.quarantinedUntil.toISOString(),
    consecutiveFailures: health.consecutiveFailures,
  });
  await recorder.flush();
  await deps.rescheduleTenant(health);
  return { quarantinedNow: !before?.quarantinedUntil };
}
