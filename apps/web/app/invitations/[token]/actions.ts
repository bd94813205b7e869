"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type FormState, formStateOfError } from "../../../src/forms/form-state";
import { requirePortalUserApi } from "../../../src/server/portal-session";

/** The signed-in person's consent; on success they land in the organisation they joined. */
export async function acceptInvitation(token: string): Promise<FormState> {
  let tenantId: string;
  try {
    tenantId = (await (await requirePortalUserApi()).acceptInvitation(token)).tenant.id;
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath("/", "layout");
  redirect(`/t/${tenantId}`);
}
