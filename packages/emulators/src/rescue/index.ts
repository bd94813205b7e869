// The Rescue emulator: `startRescueEmulator({ port: 4010 })` serves the demo organisation; with
// `sandboxOrganisations` a sandbox token opens a copy of it of its own.
export {
  CREATE_USERS_UNKNOWN_CODE,
  DENIED_ENDPOINT_CODE,
  LOGIN_PAGE_HTML,
  type RescueBehaviour,
  type RescueBehaviourInput,
  ZRescueBehaviour,
} from "./behaviour";
export { FaultInjector, type RescueFaults, type RescueFaultsInput, type ScriptedFault } from "./faults";
export {
  CREATE_USERS_LIMIT,
  type EmulatedNode,
  LICENCE_LIMIT,
  LOGIN_LIMIT,
  MOBILE_LICENCE_LIMIT,
  type NodeType,
  RescueOrganisation,
  SESSION_IDLE_MS,
} from "./organisation";
export {
  DEMO_ADOPTABLE_TECHNICIAN_EMAIL,
  DEMO_RESCUE_CONNECTION,
  demoRescueOrganisation,
  type RescueOrganisationSeed,
  SANDBOX_TOKEN_PREFIX,
  sandboxRescueConnection,
  sandboxRescueOrganisation,
  sandboxSuffixOf,
  ZRescueOrganisationSeed,
} from "./organisation-seed";
export {
  buildRescueEmulator,
  EmulatorClock,
  type RescueEmulator,
  type RescueEmulatorOptions,
  type StartedRescueEmulator,
  startRescueEmulator,
} from "./rescue-emulator";
