import { DEMO_RESCUE_CONNECTION, type RescueOrganisationSeed } from "@techsync/emulators/rescue";

export const BENCH_GROUPS = 20;
export const BENCH_ADMIN = { email: "bench.admin@bench.example", password: "Bench-Admin-2026!" };

/** An empty organisation with 20 technician groups and licences for everyone. */
export function benchOrganisation(): RescueOrganisationSeed {
  return {
    account: { organization: "Bench Co", technicianLicences: 50_000, mobileLicences: 0 },
    masterAccountHolder: { name: "Bench Holder", ...DEMO_RESCUE_CONNECTION },
    administrators: [{ name: "Bench Admin", ...BENCH_ADMIN, group: "Bench Admins" }],
    technicianGroups: Array.from({ length: BENCH_GROUPS }, (_, i) => ({ name: `Bench Group ${i + 1}` })),
  };
}
