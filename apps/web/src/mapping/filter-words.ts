// The words a person reads for the engine's filter vocabulary (attributes and comparisons), one list for the
// picker and the mapping editor.
import type { filterAttributes, filterOperators } from "../api/api-types";

export const attributeLabels: Record<(typeof filterAttributes)[number], string> = {
  department: "Department",
  jobTitle: "Job title",
  companyName: "Company name",
  officeLocation: "Office location",
  employeeId: "Employee id",
  displayName: "Display name",
  mail: "Email",
  userPrincipalName: "User principal name",
};

export const operatorLabels: Record<(typeof filterOperators)[number], string> = {
  equals: "equals",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
};

export const negatedOperatorLabels: Record<(typeof filterOperators)[number], string> = {
  equals: "is not",
  contains: "does not contain",
  startsWith: "does not start with",
  endsWith: "does not end with",
};
