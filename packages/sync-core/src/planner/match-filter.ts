import type { DirectoryUser, MappingFilter } from "../domain";

/** rule 1: the mapping's scoping filter, compared case-insensitively. No filter lets everyone through. */
export function matchFilter(user: DirectoryUser, filter: MappingFilter | null | undefined): boolean {
  if (!filter) return true;
  const raw = user[filter.attribute];
  if (raw === null || raw === undefined) return false;
  const value = raw.toLowerCase();
  const wanted = filter.value.toLowerCase();
  switch (filter.operator) {
    case "equals":
      return value === wanted;
    case "contains":
      return value.includes(wanted);
    case "startsWith":
      return value.startsWith(wanted);
    case "endsWith":
      return value.endsWith(wanted);
  }
}
