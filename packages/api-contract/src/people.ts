// People: sign-up and sign-in, members, invitations, API keys.
import { z } from "zod";
import { ZEmail, ZIsoDate, ZName, ZTenantParams } from "./common";
import { API_KEY_SCOPES, ZApiKeyScope, ZRole } from "./enums";

/** An invitation link's token: `inv_`, a random part and its signature. */
export const INVITATION_TOKEN_PATTERN = /^inv_([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;
export const ZPortalUser = z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() });
export type PortalUserView = z.infer<typeof ZPortalUser>;

export const ZSignUpBody = z.strictObject({
  email: ZEmail,
  password: z.string().min(10).max(256),
  name: ZName.optional(),
  /** Without it no tenant is made: the person signs up to accept an invitation. */
  tenantName: ZName.optional(),
});
/** The same answer for a new and a registered email: signing in tells them apart, not signing up. */
export const ZSignUpReply = z.object({ status: z.literal("accepted"), message: z.string() });

export const ZLogInBody = z.strictObject({ email: ZEmail, password: z.string().min(1).max(256) });
export const ZUserReply = z.object({ user: ZPortalUser });

/** A Microsoft account: its object id (oid) within its directory (tid); GUIDs in Entra, bounded text here. */
const ZEntraObjectId = z.string().trim().min(1).max(64);
const ZEntraTenantId = z.string().trim().min(1).max(64);

export const ZMicrosoftSignInBody = z.strictObject({
  entraObjectId: ZEntraObjectId,
  entraTenantId: ZEntraTenantId,
  /** Only for a new portal user's record; never used to find or link an account. */
  email: ZEmail,
  name: ZName.optional(),
});

export const ZLinkMicrosoftAccountBody = z.strictObject({
  entraObjectId: ZEntraObjectId,
  entraTenantId: ZEntraTenantId,
});

export const ZMember = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: ZRole,
  createdAt: ZIsoDate,
});
export type MemberView = z.infer<typeof ZMember>;
export const ZMembersReply = z.object({ members: z.array(ZMember) });
export const ZMemberParams = ZTenantParams.extend({ userId: z.uuid() }).strict();
export const ZChangeRoleBody = z.strictObject({ role: ZRole });

/** Days an invitation stays usable unless the inviter chooses otherwise. */
export const DEFAULT_INVITATION_DAYS = 7;

export const ZCreateInvitationBody = z.strictObject({
  /** Kept as typed (shown back to the inviter); matched case-insensitively on acceptance. */
  email: z.string().trim().pipe(z.email().max(254)),
  role: ZRole,
  expiresInDays: z.number().int().min(1).max(30).default(DEFAULT_INVITATION_DAYS),
});

export const ZInvitation = z.object({
  id: z.uuid(),
  email: z.string(),
  role: ZRole,
  createdAt: ZIsoDate,
  expiresAt: ZIsoDate,
  /** Who invited: null once that portal user is gone, or when an API key did. */
  invitedBy: z.object({ userId: z.uuid(), email: z.string(), name: z.string().nullable() }).nullable(),
});
export type InvitationView = z.infer<typeof ZInvitation>;

export const ZCreatedInvitation = z.object({
  invitation: ZInvitation,
  link: z.string().describe("The portal's accept page with the token: shown in this answer only"),
});
export const ZInvitationsReply = z.object({ invitations: z.array(ZInvitation) });
export const ZInvitationParams = ZTenantParams.extend({ invitationId: z.uuid() }).strict();

export const ZInvitationTokenParams = z.strictObject({
  token: z.string().max(200).regex(INVITATION_TOKEN_PATTERN, "is not an invitation token"),
});
/** What anyone holding the link may see: the tenant's name and the offered role, nothing about people. */
export const ZInvitationPreview = z.object({
  tenant: z.object({ name: z.string() }),
  role: ZRole,
  expiresAt: ZIsoDate,
});
export const ZAcceptedInvitation = z.object({
  tenant: z.object({ id: z.uuid(), name: z.string() }),
  role: ZRole,
});

export const ZApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Public: the start of the key, to tell keys apart. */
  prefix: z.string(),
  scopes: z.array(ZApiKeyScope),
  createdAt: ZIsoDate,
  lastUsedAt: ZIsoDate.nullable(),
  revokedAt: ZIsoDate.nullable(),
});
export type ApiKeyView = z.infer<typeof ZApiKey>;
export const ZApiKeysReply = z.object({ apiKeys: z.array(ZApiKey) });
export const ZCreateApiKeyBody = z.strictObject({
  name: ZName,
  scopes: z
    .array(ZApiKeyScope)
    .min(1)
    .max(API_KEY_SCOPES.length)
    .transform((scopes) => [...new Set(scopes)]),
});
export const ZCreatedApiKey = z.object({ apiKey: ZApiKey, key: z.string().describe("Shown this once only") });
export const ZApiKeyParams = ZTenantParams.extend({ keyId: z.uuid() }).strict();

/** The signed-in user and the tenants they belong to. */
export const ZMeReply = z.object({
  user: ZPortalUser,
  tenants: z.array(z.object({ id: z.uuid(), name: z.string(), role: ZRole, sandboxMode: z.boolean() })),
});
export type MeReply = z.infer<typeof ZMeReply>;
export type TenantMembership = MeReply["tenants"][number];
export type UserReply = z.infer<typeof ZUserReply>;
export type SignUpReply = z.infer<typeof ZSignUpReply>;
export type SignUpBody = z.input<typeof ZSignUpBody>;
export type LogInBody = z.input<typeof ZLogInBody>;
export type MicrosoftSignInBody = z.input<typeof ZMicrosoftSignInBody>;
export type LinkMicrosoftAccountBody = z.input<typeof ZLinkMicrosoftAccountBody>;
export type MembersReply = z.infer<typeof ZMembersReply>;
export type Invitation = InvitationView;
export type CreatedInvitation = z.infer<typeof ZCreatedInvitation>;
export type InvitationsReply = z.infer<typeof ZInvitationsReply>;
export type InvitationPreview = z.infer<typeof ZInvitationPreview>;
export type AcceptedInvitation = z.infer<typeof ZAcceptedInvitation>;
export type CreateInvitationBody = z.input<typeof ZCreateInvitationBody>;
export type ApiKey = ApiKeyView;
export type ApiKeysReply = z.infer<typeof ZApiKeysReply>;
export type CreatedApiKey = z.infer<typeof ZCreatedApiKey>;
export type CreateApiKeyBody = z.input<typeof ZCreateApiKeyBody>;

/** "Forgot password?": the same answer whether or not an account uses the address. */
export const ZPasswordResetRequestBody = z.strictObject({ email: ZEmail });
export const ZPasswordResetRequested = z.object({ status: z.literal("accepted"), message: z.string() });
export type PasswordResetRequested = z.infer<typeof ZPasswordResetRequested>;
/** Setting a new password with the one-time token of the emailed link. */
export const ZPasswordResetBody = z.strictObject({
  token: z.string().min(20).max(200),
  password: z.string().min(1).max(256),
});
export const ZPasswordResetDone = z.object({ status: z.literal("done"), email: z.string() });
export type PasswordResetDone = z.infer<typeof ZPasswordResetDone>;
