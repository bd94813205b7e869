// @techsync/emulators/graph: the Microsoft Entra ID + Graph emulator.
export * from "./demo-directory";
export {
  type EmulatedApp,
  type EmulatedDirectoryObject,
  type EmulatedDirectoryObjectInput,
  type EmulatedGroup,
  type EmulatedSecret,
  EmulatedTenant,
  type EmulatedUser,
  type EmulatedUserInput,
  GRAPH_PERMISSIONS,
  type TenantSeed,
} from "./emulated-tenant";
export { DEFAULT_CERT_DIR, type EmulatorCertificates, loadOrCreateCertificates } from "./emulator-certificates";
export type { GraphEmulatorStats, GraphFaults } from "./fault-injection";
export {
  type DirectoryGeneratorOptions,
  type GeneratedTenant,
  generateDirectory,
  seededGuid,
  seededRandom,
} from "./generate-directory";
export {
  type BuiltGraphEmulator,
  buildGraphEmulator,
  type GraphEmulatorOptions,
  type RunningGraphEmulator,
  type StartGraphEmulatorOptions,
  startGraphEmulator,
} from "./graph-emulator";
export { GraphEmulatorAdmin } from "./graph-emulator-admin";
export { GRAPH_AUDIENCE } from "./identity-routes";
