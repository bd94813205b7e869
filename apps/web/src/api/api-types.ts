// The API's answers and bodies as the portal names them: every type is inferred from the API contract's
// schemas, so a change to a schema fails the portal's typecheck wherever a field is read. Nothing is written
// out by hand here.
import type {
  Action,
  CreateMappingBody,
  EntraConnectionTest,
  EntraConnectionView,
  Mapping,
  MemberView,
  PortalUserView,
  RescueConnectionView,
  Run,
  SetEntraConnectionBody,
  SetRescueConnectionBody,
  Technician,
} from "@techsync/api-contract";

export type {
  AcceptedInvitation,
  ActionKind,
  ActionStatus,
  ApiKey,
  ApiKeyScope,
  AttributeMapping,
  CreatedApiKey,
  CreatedInvitation,
  EntraCloud,
  EntraConnectionTest,
  EntraGroup,
  EntraUsersReply,
  FilterAttribute,
  FilterOperator,
  Invitation,
  InvitationPreview,
  LogEntry,
  LogLevel,
  MappingConditionsInput,
  MappingFilter,
  MappingImpactReply,
  MappingProposal,
  MeReply,
  RescueConnectionTest,
  RescueGroup,
  RescueRegion,
  Role,
  RunCounts,
  RunStatus,
  RunSummary,
  SafetyThreshold,
  SignUpReply,
  SyncUserReply,
  TenantMembership,
  TenantSettings,
  TenantSettingsPatch,
  TenantSummary,
  UserReply,
} from "@techsync/api-contract";
export {
  ATTRIBUTE_SOURCES as attributeSources,
  CANCELLABLE_RUN_STATUSES,
  CONDITION_COMBINATORS as conditionCombinators,
  CONDITION_MODES as conditionModes,
  DEFAULT_ATTRIBUTE_MAPPING as defaultAttributeMapping,
  FILTER_ATTRIBUTES as filterAttributes,
  FILTER_OPERATORS as filterOperators,
  RETRYABLE_RUN_STATUSES,
} from "@techsync/api-contract";

export type PortalUser = PortalUserView;
export type SyncRun = Run;
export type RescueConnection = RescueConnectionView;
export type RescueConnectionInput = SetRescueConnectionBody;
export type EntraConnection = EntraConnectionView;
export type EntraConnectionInput = SetEntraConnectionBody;
export type GraphPermission = EntraConnectionTest["permissions"][number]["permission"];
export type GroupMapping = Mapping;
export type GroupMappingInput = CreateMappingBody;
export type SyncAction = Action;
export type LinkedTechnician = Technician;
/** A member as the settings page lists them. */
export type Member = Pick<MemberView, "userId" | "email" | "name" | "role">;
