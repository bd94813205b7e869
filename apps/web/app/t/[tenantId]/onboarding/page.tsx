import { redirect } from "next/navigation";

export default async function OnboardingStart({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  redirect(`/t/${tenantId}/onboarding/rescue`);
}
