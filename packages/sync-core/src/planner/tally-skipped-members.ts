// Skipped members are counted, not listed: a 100,000-member group holding 10,000 devices gives one tally with a
// few examples, so the plan, the run report and the sync log stay small.
import type { GroupMapping } from "../domain";
import {
  SKIP_REASONS,
  SKIPPED_MEMBER_KINDS,
  type SkippedDirectoryMember,
  type SkippedMemberKind,
  type SkippedMembers,
  type SkippedMemberTally,
  type SkipReason,
} from "../plan";

/** Examples kept per tally: the smallest ids, so the result does not depend on the order members arrive in. */
export const SKIPPED_EXAMPLE_LIMIT = 5;

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Counts skipped members by reason and kind, keeping the first few examples by id. */
export class SkippedMemberTallies {
  private readonly tallies = new Map<string, SkippedMemberTally>();

  add(member: Pick<SkippedDirectoryMember, "id" | "kind" | "displayName" | "reason">): void {
    const key = `${member.reason}|${member.kind}`;
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { reason: member.reason, kind: member.kind, count: 0, examples: [] };
      this.tallies.set(key, tally);
    }
    tally.count += 1;
    const { examples } = tally;
    if (examples.length === SKIPPED_EXAMPLE_LIMIT && compareStrings(member.id, examples.at(-1)!.id) >= 0) return;
    if (examples.some((example) => example.id === member.id)) return;
    let at = examples.findIndex((example) => compareStrings(member.id, example.id) < 0);
    if (at < 0) at = examples.length;
    examples.splice(at, 0, { id: member.id, displayName: member.displayName });
    if (examples.length > SKIPPED_EXAMPLE_LIMIT) examples.pop();
  }

  /** Folds in tallies made elsewhere (the source's, read once for several mappings). */
  merge(tallies: readonly SkippedMemberTally[]): void {
    for (const tally of tallies) {
      const key = `${tally.reason}|${tally.kind}`;
      const mine = this.tallies.get(key);
      if (!mine) {
        this.tallies.set(key, { ...tally, examples: [...tally.examples] });
        continue;
      }
      // Counts add up; the examples are re-picked from both lists.
      const count = mine.count + tally.count;
      for (const example of tally.examples) this.add({ ...example, reason: tally.reason, kind: tally.kind });
      mine.count = count;
    }
  }

  get size(): number {
    return this.tallies.size;
  }

  /** Sorted by reason, then kind (the order of SKIP_REASONS and SKIPPED_MEMBER_KINDS). */
  toArray(): SkippedMemberTally[] {
    return [...this.tallies.values()].sort(
      (a, b) =>
        SKIP_REASONS.indexOf(a.reason) - SKIP_REASONS.indexOf(b.reason) ||
        SKIPPED_MEMBER_KINDS.indexOf(a.kind) - SKIPPED_MEMBER_KINDS.indexOf(b.kind),
    );
  }
}

const KIND_NOUNS: Record<SkippedMemberKind, [singular: string, plural: string]> = {
  user: ["User", "users"],
  guest: ["Guest", "guests"],
  orgContact: ["Contact", "contacts"],
  device: ["Device", "devices"],
  servicePrincipal: ["Service principal", "service principals"],
  group: ["Nested group", "nested groups"],
  other: ["Directory object", "directory objects"],
};

const REASON_WORDS: Record<SkipReason, [singular: string, plural: string]> = {
  "not-a-user": ["not a user", "not users"],
  "nested-group-not-read": [
    "the mapping reads direct members only, so the nested group's members are not included",
    "the mapping reads direct members only, so the nested groups' members are not included",
  ],
  "guests-not-included": [
    "guests are not provisioned unless you turn on 'Include guest users'",
    "guests are not provisioned unless you turn on 'Include guest users'",
  ],
  "no-usable-email": [
    "no usable email (no mail or other email address; an #EXT# sign-in name is not an email)",
    "no usable email (no mail or other email address; an #EXT# sign-in name is not an email)",
  ],
};

/** e.g. "Device LAPTOP-123 in group Helpdesk skipped: not a user", "3 devices in group Helpdesk skipped: …". */
export function describeSkippedMembers(tally: SkippedMemberTally, mapping: GroupMapping): string {
  const group = mapping.entraGroupName || mapping.entraGroupId;
  const [singular, plural] = KIND_NOUNS[tally.kind];
  const [oneReason, manyReasons] = REASON_WORDS[tally.reason];
  const nameOf = (example: { id: string; displayName: string | null }) => example.displayName || example.id;
  if (tally.count === 1 && tally.examples[0]) {
    return `${singular} ${nameOf(tally.examples[0])} in group ${group} skipped: ${oneReason}`;
  }
  const more = tally.count > tally.examples.length ? ", …" : "";
  return `${tally.count} ${plural} in group ${group} skipped: ${manyReasons} (${tally.examples.map(nameOf).join(", ")}${more})`;
}

export function skippedMembersOf(mapping: GroupMapping, tallies: SkippedMemberTallies): SkippedMembers[] {
  return tallies.toArray().map((tally) => ({
    mappingId: mapping.id,
    entraGroupId: mapping.entraGroupId,
    ...tally,
    message: describeSkippedMembers(tally, mapping),
  }));
}
