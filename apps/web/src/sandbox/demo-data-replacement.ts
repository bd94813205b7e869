// "Try with demo data" on an organisation that already has its own connections: what the demo values would
// replace, so the person sees it and confirms before anything is overwritten.
import type { EntraConnectionView, MappingView, RescueConnectionView } from "@techsync/api-contract";
import { sandboxEntraConnection, sandboxRescueConnection } from "./sandbox-demo-values";

export interface DemoDataReplacement {
  /** The Master Account Holder email of the Rescue connection the demo one replaces. */
  rescueEmail: string | null;
  /** The Entra directory id of the connection the demo one replaces. */
  entraDirectoryId: string | null;
  /** The pairs removed with them: their groups are another directory's and another organisation's. */
  pairs: { id: string; name: string }[];
}

// Every sandbox tenant has a demo organisation of its own (its own Master Account Holder): the region says it.
const isDemoRescue = (rescue: RescueConnectionView) => rescue.region === sandboxRescueConnection("").region;
const isDemoEntra = (entra: EntraConnectionView) =>
  entra.cloud === sandboxEntraConnection.cloud &&
  entra.directoryId.toLowerCase() === sandboxEntraConnection.directoryId.toLowerCase();

/** null when the demo values replace nothing of the tenant's own (no connection yet, or the demo ones already). */
export function demoDataReplacement(
  rescue: RescueConnectionView | null,
  entra: EntraConnectionView | null,
  mappings: readonly MappingView[],
): DemoDataReplacement | null {
  const rescueEmail = rescue && !isDemoRescue(rescue) ? rescue.email : null;
  const entraDirectoryId = entra && !isDemoEntra(entra) ? entra.directoryId : null;
  // Pairs name groups of the connections they were made with: with either replaced, none would still exist.
  const replaced = rescueEmail !== null || entraDirectoryId !== null;
  if (!replaced) return null;
  const pairs = mappings.map((m) => ({ id: m.id, name: `${m.entraGroupName} → ${m.rescueGroupName}` }));
  return { rescueEmail, entraDirectoryId, pairs };
}

/** What the confirmation was shown for: a confirm only counts for exactly this (nothing changed meanwhile). */
export function replacementKey(replacement: DemoDataReplacement): string {
  return JSON.stringify([
    replacement.rescueEmail,
    replacement.entraDirectoryId,
    replacement.pairs.map((p) => p.id).sort(),
  ]);
}
