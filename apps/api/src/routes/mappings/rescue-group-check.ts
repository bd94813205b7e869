import type { ApiDeps } from "../../api-deps";
import { technicianGroupsOf } from "../../connections/rescue-technician-groups";
import { tenantRescueClient, upstreamError } from "../../connections/tenant-connections";
import { invalidField } from "../../errors";

/** A mapping's Rescue side must be a technician group of the tenant's organisation; its name comes from the tree. */
export async function technicianGroupName(
  deps: Pick<ApiDeps, "prisma" | "secretBox" | "outbound" | "upstreamTimeoutMs">,
  tenantId: string,
  rescueGroupId: number,
): Promise<string> {
  const rescue = await tenantRescueClient(deps, tenantId);
  let tree: Awaited<ReturnType<typeof rescue.getTree>>;
  try {
    tree = await rescue.getTree();
  } catch (error) {
    throw upstreamError(error);
  }
  const group = technicianGroupsOf(tree).find((g) => g.id === rescueGroupId);
  if (!group) throw invalidField("rescueGroupId", "is not a technician group of the Rescue organisation.");
  return group.name;
}
