// What a run's Rescue client learned about createUsers is kept on the tenant's Rescue connection, so the next run's
// client starts from it (try once, use it, or never again).
import type { PrismaClient } from "@techsync/db";
import type { RescueClient } from "@techsync/rescue";

export async function rememberBulkCreate(
  prisma: Pick<PrismaClient, "rescueConnection">,
  connection: { tenantId: string; email: string; region: string },
  rescue: Pick<RescueClient, "bulkCreate" | "bulkCreateChanged">,
): Promise<void> {
  if (!rescue.bulkCreateChanged) return;
  const learned = rescue.bulkCreate;
  // Only for the connection the run used: one changed meanwhile starts again from unknown.
  await prisma.rescueConnection.updateMany({
    where: { tenantId: connection.tenantId, email: connection.email, region: connection.region },
    data: {
      bulkCreate: learned.capability,
      bulkCreateReason: learned.reason,
      bulkCreateCheckedAt: learned.checkedAt,
    },
  });
}
