// A mapped Entra group that does not exist (deleted in Entra, or a pair made in another directory) fails the run:
// its error names the pair's group, since Graph's own words ("The object does not exist in the directory") do not
// say which of the tenant's groups it was.
import { type EntraDirectorySource, EntraError, GraphRequestError } from "@techsync/entra";
import type { GroupMapping } from "@techsync/sync-core";

export function namingMissingGroups(
  directory: EntraDirectorySource,
  mappings: readonly Pick<GroupMapping, "entraGroupId" | "entraGroupName">[],
): EntraDirectorySource {
  const names = new Map(mappings.map((mapping) => [mapping.entraGroupId, mapping.entraGroupName]));
  const groupMembers = directory.groupMembers;
  return {
    ...directory,
    groupMembers: async function* (groupId, options) {
      try {
        yield* groupMembers(groupId, options);
      } catch (error) {
        if (!(error instanceof EntraError) || error.kind !== "notFound") throw error;
        const name = names.get(groupId);
        const which = name ? `“${name}” (${groupId})` : groupId;
        throw new GraphRequestError(
          `The Entra group ${which} of a group pair does not exist in the directory${error.requestId ? ` (request-id ${error.requestId})` : ""}.`,
          {
            kind: "notFound",
            code: error.code,
            ...(error.status !== undefined ? { status: error.status } : {}),
            ...(error.requestId ? { requestId: error.requestId } : {}),
            hint: "It was deleted in Entra, or the pair was made with another directory: remove the pair, or pair a group of this directory.",
            cause: error,
          },
        );
      }
    },
  };
}
