// Rescue does not say how many technician licences are free: the first create or enable it refuses in a way the
// adapter reads as a licence refusal stops the run's other creates and enables (not applied, one reason), while
// disables and updates go on. And a create into a mapped Rescue group that is gone fails by itself.
import type { DirectoryUser, Link, RescueNode } from "../domain";
import { runSync } from "../run-sync";
import {
  directoryUser,
  FakeClock,
  groupMapping,
  InMemoryDirectorySource,
  InMemoryRescueDirectory,
  RecordingRunRecorder,
  seededRandom,
  technicianNode,
} from "../testing";

const GROUP_A = 10;

function world(options: { users: DirectoryUser[]; nodes?: RescueNode[]; links?: Link[]; licences?: number }) {
  const clock = new FakeClock();
  const directory = new InMemoryDirectorySource({
    users: options.users,
    groups: [{ id: "g1", displayName: "Helpdesk", memberIds: options.users.map((u) => u.id), childGroupIds: [] }],
  });
  const rescue = InMemoryRescueDirectory.withTechnicianGroups([GROUP_A], options.nodes ?? [], {
    maxCreateBatch: 3,
    ...(options.licences !== undefined ? { technicianLicences: options.licences } : {}),
  });
  const recorder = new RecordingRunRecorder(options.links ?? []);
  const run = (rescueGroupId = GROUP_A) =>
    runSync(
      { clock, directory, rescue, recorder },
      {
        mappings: [groupMapping("m1", "g1", rescueGroupId, { entraGroupName: "Helpdesk" })],
        links: recorder.links(),
        defaultPassword: "Default-Pa55word!",
        random: seededRandom(1),
        concurrency: 1,
        // the refusal is retryable (ERROR): with 2 tries, it outlasts them
        retry: { maxAttempts: 2 },
      },
    );
  return { rescue, recorder, run };
}

/** A linked technician, with its key data remembered, in the given status. */
function linkedTechnician(i: number, status: "enabled" | "disabled", user = directoryUser(`u${i}`)) {
  const node = technicianNode(
    100 + i,
    GROUP_A,
    { name: user.displayName ?? "", email: user.mail ?? "" },
    { status, nick: user.givenName ?? "", ssoId: user.userPrincipalName },
  );
  const link: Link = {
    entraUserId: user.id,
    rescueNodeId: node.id,
    fields: { name: node.name, nick: node.nick ?? "", email: node.email ?? "", ssoId: node.ssoId ?? "" },
  };
  return { user, node, link };
}

describe("licence shortfall", () => {
  it("stops creates and enables after the first licence refusal, with one reason; disables and updates go on", async () => {
    // two enabled technicians hold 2 of 3 licences; one leaves (its disable frees a licence), one is renamed
    const leaving = linkedTechnician(0, "enabled");
    const renamed = linkedTechnician(1, "enabled", directoryUser("u1", { displayName: "New name" }));
    const disabledOnes = [2, 3, 4].map((i) => linkedTechnician(i, "disabled"));
    const newcomers = Array.from({ length: 7 }, (_, i) => directoryUser(`n${i}`));
    const { rescue, run } = world({
      users: [renamed.user, ...disabledOnes.map((t) => t.user), ...newcomers],
      nodes: [leaving.node, { ...renamed.node, name: "User u1" }, ...disabledOnes.map((t) => t.node)],
      links: [
        leaving.link,
        { ...renamed.link, fields: { ...renamed.link.fields!, name: "User u1" } },
        ...disabledOnes.map((t) => t.link),
      ],
      licences: 2,
    });
    const { report } = await run();

    // the disable freed one licence, so the first enable went through and the second was refused
    expect(report.counts.disable).toMatchObject({ planned: 1, succeeded: 1 });
    expect(report.counts.update).toMatchObject({ planned: 1, succeeded: 1 });
    expect(report.counts.enable).toEqual({ planned: 3, succeeded: 1, failed: 1, cancelled: 0, skipped: 1 });
    expect(report.counts.create).toEqual({ planned: 7, succeeded: 0, failed: 0, cancelled: 0, skipped: 7 });
    expect(report.failures).toEqual([expect.objectContaining({ kind: "enable", code: "ERROR" })]);
    expect(report.status).toBe("completed-with-failures");
    expect(report.licenceShortfall).toEqual({
      refusedActionId: "enable:u3",
      creates: 7,
      enables: 1,
      message:
        "Rescue refused a technician licence; 7 creates and 1 enable were not applied: free licences or add more, then run again",
    });
    expect(report.warnings).toContainEqual(expect.objectContaining({ code: "licence-shortfall" }));
    // nothing was sent for what was not applied: the disable, the update, one enable, the refused one twice (its
    // retry), and no create call
    expect(rescue.writeCount()).toBe(5);
    expect(rescue.technicians()).toHaveLength(5);
    expect(rescue.node(101)?.name).toBe("New name");
  });

  it("a create refused for a licence stops the creates after it; the rest of its own call are not applied", async () => {
    const users = Array.from({ length: 7 }, (_, i) => directoryUser(`n${i}`));
    const { rescue, recorder, run } = world({ users, licences: 2 });
    const { report } = await run();
    expect(report.counts.create).toEqual({ planned: 7, succeeded: 2, failed: 1, cancelled: 0, skipped: 4 });
    expect(rescue.technicians()).toHaveLength(2);
    // the first call (three creates), its refused create once more (the retry), and never the two calls after it
    expect(rescue.writeCount()).toBe(2);
    expect(recorder.outcomes.filter((o) => o.status === "skipped")).toEqual(
      Array.from({ length: 4 }, () =>
        expect.objectContaining({ kind: "create", error: expect.objectContaining({ code: "LICENCE_REFUSED" }) }),
      ),
    );
    expect(report.licenceShortfall?.message).toBe(
      "Rescue refused a technician licence; 4 creates and 0 enables were not applied: free licences or add more, then run again",
    );
  });

  it("without a refusal, nothing is skipped and no shortfall is reported", async () => {
    const { run } = world({ users: [directoryUser("n0")], licences: 5 });
    const { report } = await run();
    expect(report.status).toBe("succeeded");
    expect(report.licenceShortfall).toBeUndefined();
  });
});

describe("a mapped Rescue group deleted after mapping", () => {
  it("fails exactly the creates into it with a clear reason, without calling Rescue, and goes on with the rest", async () => {
    const stays = linkedTechnician(0, "disabled");
    const { rescue, run } = world({
      users: [stays.user, directoryUser("n0")],
      nodes: [stays.node],
      links: [stays.link],
    });
    const before = rescue.callCount();
    const { plan, report } = await run(99);
    expect(plan.warnings).toContainEqual(expect.objectContaining({ code: "rescue-group-missing", mappingId: "m1" }));
    expect(report.counts.create).toMatchObject({ planned: 1, failed: 1 });
    expect(report.failures).toEqual([
      expect.objectContaining({
        actionId: "create:n0",
        code: "RESCUE_GROUP_MISSING",
        message: "Rescue group 99 is not a technician group in Rescue any more (deleted after it was mapped).",
      }),
    ]);
    // the enable of the linked technician went on
    expect(report.counts.enable).toMatchObject({ planned: 1, succeeded: 1 });
    // the tree and the enable only: no create was sent
    expect(rescue.callCount() - before).toBe(2);
  });
});
