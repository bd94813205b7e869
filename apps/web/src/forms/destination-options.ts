// The choices of the connection forms' region and cloud selects, from the one table of destinations. The sandbox
// (the server's emulators) is offered only to tenants in sandbox mode.
import { ENTRA_CLOUDS, RESCUE_REGIONS } from "@techsync/config/destinations";

const SANDBOX = { value: "sandbox", label: "Sandbox (this server's emulators, demo data only)" };

export function rescueRegionOptions(sandboxMode: boolean) {
  const real = Object.entries(RESCUE_REGIONS).map(([value, region]) => ({ value, label: region.label }));
  return sandboxMode ? [...real, SANDBOX] : real;
}

export function entraCloudOptions(sandboxMode: boolean) {
  const real = Object.entries(ENTRA_CLOUDS).map(([value, cloud]) => ({ value, label: cloud.label }));
  return sandboxMode ? [...real, SANDBOX] : real;
}
