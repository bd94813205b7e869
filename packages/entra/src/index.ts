// @techsync/entra: Microsoft Entra ID (Graph) as sync-core's DirectorySource.
export { type ClientSecretExpiry, pickSecretCredential, readClientSecretExpiry } from "./client-secret-expiry";
export {
  type DeltaCursor,
  type DirectoryChanges,
  type IncrementalMapping,
  readDirectoryChanges,
  startDeltaCursors,
} from "./directory-changes";
export {
  type DeltaMemberRef,
  type DeltaPage,
  type GroupDeltaChange,
  MAX_DELTA_GROUPS,
  type RemovalReason,
  type UserDeltaChange,
} from "./directory-delta";
export { GROUP_SELECT, USER_SELECT } from "./directory-objects";
export {
  createEntraDirectorySource,
  createTenantClients,
  type EntraConnectionConfig,
  type EntraDirectorySource,
  forgetCachedTokens,
  type UserSearchPage,
} from "./entra-directory-source";
export {
  classifyGraphError,
  classifyTokenError,
  EntraError,
  type EntraErrorKind,
  EntraTokenError,
  GraphRequestError,
  parseRetryAfter,
  REQUIRED_PERMISSIONS,
  type RequiredPermission,
} from "./entra-errors";
export type { EntraCallStats, TrustedFetch } from "./entra-transport";
export {
  type BatchItem,
  type BatchItemResult,
  DEFAULT_GRAPH_BASE_URL,
  type GraphRetryPolicy,
  type GraphSubscription,
  type GraphSubscriptionRequest,
  TenantGraphClient,
} from "./tenant-graph-client";
export { DEFAULT_AUTHORITY_HOST, decodeTokenClaims, GRAPH_DEFAULT_SCOPE } from "./tenant-token-provider";
export {
  type ConnectionProblem,
  type EntraConnectionTest,
  type PermissionCheck,
  testEntraConnection,
} from "./test-entra-connection";
