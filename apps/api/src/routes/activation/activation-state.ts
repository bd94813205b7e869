// rule 14: whether a person may start syncing now, and why not, in words. "Start syncing" is possible once the
// tenant's latest preview succeeded and was of the configuration as it is now (same configuration fingerprint).
import type { Activation } from "@techsync/api-contract";
import { Prisma } from "@techsync/db";
import { loadConfigFingerprint } from "@techsync/runs";
import { notFound } from "../../errors";
import { isoOrNull } from "../common.types";

/** A time as a person reads it in a message, e.g. "2026-12-02 05:41 UTC". */
export function timeInWords(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export interface ActivationState extends Activation {
  /** The fingerprint of the preview that allows starting (canStart only). */
  previewFingerprint: string | null;
}

/** Read in the caller's transaction (under the tenant's run lock when it is about to act on the answer). */
export async function activationState(tx: Prisma.TransactionClient, tenantId: string): Promise<ActivationState> {
  const [tenant, preview, current, rescue, entra, mappings] = await Promise.all([
    tx.tenant.findUnique({
      where: { id: tenantId },
      select: { activatedAt: true, activatedBy: true, defaultPasswordEnc: true },
    }),
    tx.syncRun.findFirst({
      // An estimate of a proposed change (a run with a proposal) or a run of one user is not a preview of the
      // configuration.
      where: { tenantId, dryRun: true, proposal: { equals: Prisma.DbNull }, subjectEntraUserId: null },
      orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
      select: { id: true, status: true, finishedAt: true, error: true, configFingerprint: true },
    }),
    loadConfigFingerprint(tx, tenantId),
    tx.rescueConnection.count({ where: { tenantId } }),
    tx.entraConnection.count({ where: { tenantId } }),
    tx.groupMapping.count({ where: { tenantId } }),
  ]);
  if (!tenant) throw notFound("The tenant");
  const isCurrent = preview !== null && preview.configFingerprint !== null && preview.configFingerprint === current;
  const refusal = (): string | null => {
    if (tenant.activatedAt) return `Syncing already started on ${timeInWords(tenant.activatedAt)}.`;
    if (rescue === 0) return "Connect Rescue first (step 1).";
    if (entra === 0) return "Connect Entra ID first (step 2).";
    if (mappings === 0) return "Pair at least one Entra group with a Rescue group first (step 3).";
    if (tenant.defaultPasswordEnc === null) {
      return "Set the default password for new technicians first (step 1).";
    }
    if (!preview) return "No preview yet: preview the current configuration, then press Start syncing.";
    if (preview.status === "queued" || preview.status === "running") {
      return "The preview is still running: wait for it to finish, then press Start syncing.";
    }
    if (preview.status !== "succeeded") {
      const when = preview.finishedAt ? ` of ${timeInWords(preview.finishedAt)}` : "";
      const why = preview.error ? ` (${preview.error.replace(/\.$/, "")})` : "";
      return `The last preview${when} did not succeed${why}: fix what it reports and preview again.`;
    }
    if (!isCurrent) {
      const when = preview.finishedAt ? ` of ${timeInWords(preview.finishedAt)}` : "";
      return `The configuration changed since the preview${when}: preview it again, then press Start syncing.`;
    }
    return null;
  };
  const reason = refusal();
  return {
    activatedAt: isoOrNull(tenant.activatedAt),
    activatedBy: tenant.activatedBy,
    canStart: reason === null,
    reason,
    preview: preview
      ? { runId: preview.id, status: preview.status, finishedAt: isoOrNull(preview.finishedAt), current: isCurrent }
      : null,
    previewFingerprint: reason === null ? (preview?.configFingerprint ?? null) : null,
  };
}

/** The state as the API answers it (without the fingerprint, which is nobody's business outside). */
export function activationView({ previewFingerprint: _, ...view }: ActivationState): Activation {
  return view;
}
