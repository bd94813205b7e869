import {
  type AttributeMapping,
  type AttributeSource,
  DEFAULT_ATTRIBUTE_MAPPING,
  DEFAULT_FIELD_LIMITS,
  type DirectoryUser,
  normalizeEmail,
  TECHNICIAN_FIELDS,
  type TechnicianFieldLimits,
  type TechnicianFields,
  type TenantSyncSettings,
} from "../domain";
import type { PlanWarning } from "../plan";

// Rescue wants a well-formed email (INVALIDPARAM_EMAIL); catch the obvious cases before it refuses.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function localPart(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const at = value.indexOf("@");
  return at > 0 ? value.slice(0, at) : undefined;
}

function readSource(user: DirectoryUser, source: AttributeSource): string | undefined {
  switch (source) {
    case "mailLocalPart":
      return localPart(user.mail);
    case "userPrincipalNameLocalPart":
      return localPart(user.userPrincipalName);
    default:
      return user[source] ?? undefined;
  }
}

// Shared by every user without a problem: no allocation per user (100k in the benchmark).
const NO_PROBLEMS: PlanWarning[] = [];
Object.freeze(NO_PROBLEMS);

export interface FieldRules {
  mapping: AttributeMapping;
  limits: TechnicianFieldLimits;
}

export function resolveFieldRules(settings: TenantSyncSettings | undefined): FieldRules {
  return {
    mapping: { ...DEFAULT_ATTRIBUTE_MAPPING, ...settings?.attributeMapping },
    limits: { ...DEFAULT_FIELD_LIMITS, ...settings?.fieldLimits },
  };
}

export interface DerivedFields {
  fields: TechnicianFields;
  /** The email, normalised (trimmed, lower case): the key users and technicians are matched on. */
  emailKey: string;
  /** Non-empty when Rescue would refuse these values: the user is left alone and warned about. */
  problems: PlanWarning[];
}

/** The technician's key data from an Entra user: the first non-empty source of each field wins (trimmed). */
export function deriveTechnicianFields(user: DirectoryUser, rules: FieldRules): DerivedFields {
  const fields: TechnicianFields = { name: "", nick: "", email: "", ssoId: "" };
  for (const field of TECHNICIAN_FIELDS) {
    for (const source of rules.mapping[field]) {
      const value = readSource(user, source)?.trim();
      if (value) {
        fields[field] = value;
        break;
      }
    }
  }
  const emailKey = normalizeEmail(fields.email);
  let problems: PlanWarning[] = NO_PROBLEMS;
  const problem = (warning: PlanWarning) => {
    if (problems === NO_PROBLEMS) problems = [];
    problems.push(warning);
  };
  // built only for a warning: this runs for every user in scope (100k in the benchmark)
  const who = () => `${user.userPrincipalName} (${user.id})`;
  if (!fields.name) {
    problem({ code: "missing-name", entraUserId: user.id, field: "name", message: `${who()} has no name` });
  }
  if (!fields.email) {
    problem({ code: "missing-email", entraUserId: user.id, field: "email", message: `${who()} has no email` });
  } else if (!EMAIL_SHAPE.test(fields.email)) {
    problem({
      code: "invalid-email",
      entraUserId: user.id,
      field: "email",
      message: `${who()}: "${fields.email}" is not an email Rescue accepts`,
    });
  }
  for (const field of TECHNICIAN_FIELDS) {
    if (fields[field].length > rules.limits[field]) {
      problem({
        code: "field-too-long",
        entraUserId: user.id,
        field,
        message: `${who()}: ${field} is ${fields[field].length} characters, Rescue takes at most ${rules.limits[field]}`,
      });
    }
  }
  return { fields, emailKey, problems };
}
