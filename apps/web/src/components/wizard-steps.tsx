import Link from "next/link";

export const wizardSteps = [
  { slug: "rescue", title: "Rescue" },
  { slug: "entra", title: "Entra ID" },
  { slug: "mappings", title: "Map groups" },
  { slug: "preview", title: "Preview" },
  { slug: "confirm", title: "Confirm" },
] as const;
export type WizardStep = (typeof wizardSteps)[number]["slug"];

/** "Step n of 5" as a list of links, so any finished step can be revisited. */
export function WizardSteps({ tenantId, current }: { tenantId: string; current: WizardStep }) {
  const currentIndex = wizardSteps.findIndex((s) => s.slug === current);
  return (
    <nav aria-label="Setup steps">
      <ol className="steps">
        {wizardSteps.map((step, index) => (
          <li
            key={step.slug}
            aria-current={index === currentIndex ? "step" : undefined}
            className={index < currentIndex ? "done" : undefined}
          >
            <Link href={`/t/${tenantId}/onboarding/${step.slug}`}>
              {index + 1}. {step.title}
            </Link>
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function stepHeading(step: WizardStep): string {
  const index = wizardSteps.findIndex((s) => s.slug === step);
  return `Step ${index + 1} of ${wizardSteps.length}: ${wizardSteps[index]?.title}`;
}
