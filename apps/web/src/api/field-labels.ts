// The one mapping from the API's internal names (field paths such as "entraGroupId", Rescue operation names such
// as "getAccount", HTTP status codes) to words a person knows, so no message in the portal shows an internal name.
// api-error.ts passes every API message through `inWords`; pages showing stored run errors do the same.

/** API field names (the last part of a field path) → what the portal's forms call them. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  entraGroupId: "Entra group",
  entraGroupName: "Entra group",
  rescueGroupId: "Rescue group",
  rescueGroupName: "Rescue group",
  userId: "member",
  email: "email",
  password: "password",
  name: "name",
  role: "role",
  scopes: "scopes",
  apiToken: "API token",
  region: "Rescue region",
  defaultPassword: "default password for new technicians",
  directoryId: "directory (tenant) ID",
  clientId: "application (client) ID",
  clientSecret: "client secret",
  cloud: "Microsoft cloud",
  scheduleIntervalMinutes: "run interval",
  percent: "safety threshold percent",
  minimum: "safety threshold minimum",
  safetyThreshold: "safety threshold",
  attributeMapping: "attribute mapping",
  includeGuests: "guest users setting",
  ssoIdSource: "SSO id source",
  sandboxMode: "sandbox mode",
  paused: "pause setting",
  filter: "filter",
  value: "filter value",
  attribute: "filter attribute",
  priority: "priority",
  transitive: "nested groups setting",
  pageToken: "page",
  cursor: "page",
  search: "search",
  moveFrom: "organisation to move",
  organisationName: "organisation name",
};

/** Rescue API operations → what TechSync was doing, as the end of "to …". */
export const OPERATION_WORDS: Readonly<Record<string, string>> = {
  getAccountWithToken: "check the API token",
  getAccount: "read the Rescue account",
  getHierarchy_v2: "read the technician groups",
  getUser_v3: "read a technician",
  setUser_v2: "change a technician",
  createUsers: "create technicians",
  createUser: "create a technician",
  createTechnicians: "create technicians",
  login: "sign in to Rescue",
};

const operationNames = Object.keys(OPERATION_WORDS).join("|");
const operationInParens = new RegExp(`\\s*\\((?:${operationNames})(?::\\s*[A-Za-z0-9_ ]+)?\\)`, "g");
const operationAfterRescue = new RegExp(`\\bRescue (${operationNames})\\b`, "g");
const operationAfterFor = new RegExp(`\\bfor (${operationNames})\\b`, "g");
const bareOperation = new RegExp(`\\b(${operationNames})\\b`, "g");
/** "entraGroupId, rescueGroupId: …", "body.email: …" at the start of a message or of one of its "; " parts. */
const fieldPrefix =
  /^((?:(?:body|query|params)\.)?[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*(?:, [A-Za-z][A-Za-z0-9_.]*)*): (.+)$/s;
/** A rest that reads as the end of a sentence whose subject is the field ("is required", "must be …"). */
const predicate = /^(is|are|must|does|do|has|have|was|were|cannot|can|should|needs?|required)\b/;

/** A field path ("body.safetyThreshold.percent", "attributeMapping.nick.0") in words, or null when not known. */
export function fieldLabel(path: string): string | null {
  const parts = path
    .replace(/^(body|query|params)\.?/, "")
    .split(".")
    .filter((part) => part && !/^\d+$/.test(part));
  for (let i = parts.length - 1; i >= 0; i--) {
    const label = FIELD_LABELS[parts[i] as string];
    if (label) return label;
  }
  return null;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sentence(text: string): string {
  const trimmed = capitalised(text.trim());
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** One "field: message" part in words: "The client secret is required …", "Email: not a valid address.". */
function partInWords(part: string): string {
  const match = fieldPrefix.exec(part.trim());
  if (!match) return part.trim();
  const names = (match[1] as string).split(", ");
  const rest = (match[2] as string).trim();
  const labels = names.map(fieldLabel);
  // A word like "Connected: …" is a sentence of its own, not a field.
  if (labels.some((label) => label === null)) return part.trim();
  const unique = [...new Set(labels as string[])];
  const subject = unique.length > 1 ? `${unique.slice(0, -1).join(", ")} and ${unique.at(-1)}` : (unique[0] as string);
  if (predicate.test(rest)) {
    const verb = rest.startsWith("required") ? `is ${rest}` : rest;
    return sentence(`the ${subject} ${verb}`);
  }
  // "this pair is already mapped": the rest names its subject itself.
  if (/^(this|the|it|a|an|that|these|only|no|use|enter|choose)\b/i.test(rest)) return sentence(rest);
  return `${capitalised(subject)}: ${sentence(rest)}`;
}

/** Any API or stored message with internal names replaced by words; plain messages come back unchanged. */
export function inWords(message: string): string {
  const parts = message.split(/;\s+(?=(?:(?:body|query|params)\.)?[A-Za-z][A-Za-z0-9_.]*(?:, [A-Za-z0-9_.]+)*: )/);
  let text = parts.map(partInWords).join(" ");
  text = text
    .replace(operationInParens, "")
    .replace(operationAfterFor, (_m, op: string) => `to ${OPERATION_WORDS[op]}`)
    .replace(operationAfterRescue, (_m, op: string) => `Rescue, asked to ${OPERATION_WORDS[op]},`)
    .replace(bareOperation, (_m, op: string) => `(${OPERATION_WORDS[op]})`)
    .replace(/\s*\(HTTP \d{3}\)/g, "")
    .replace(/answered HTTP 5\d\d/g, "answered with an error on its side")
    .replace(/answered HTTP 4\d\d/g, "refused the request")
    .replace(/\bHTTP \d{3}\b/g, "an error");
  return text.replace(/\s+([.,])/g, "$1").replace(/\s{2,}/g, " ");
}

/** Where a problem is fixed, when a message names one: the setup step of the connection it is about. */
export interface FixLink {
  step: "rescue" | "entra";
  label: string;
}

export function fixOf(message: string): FixLink | undefined {
  if (/\b(Entra|client secret|Graph|app registration|admin consent|directory \(tenant\) ID)\b/i.test(message)) {
    return { step: "entra", label: "Fix the Entra ID connection" };
  }
  if (/\b(Rescue|API token)\b/.test(message) && !/Rescue group/.test(message)) {
    return { step: "rescue", label: "Fix the Rescue connection" };
  }
  return undefined;
}
