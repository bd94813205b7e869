import type { RescueNode } from "@techsync/sync-core";
import { technicianGroupsOf } from "./rescue-technician-groups";

const node = (id: number, parentId: number | null, kind: RescueNode["kind"], name: string): RescueNode => ({
  id,
  parentId,
  kind,
  name,
  status: "enabled",
});

describe("technicianGroupsOf", () => {
  test("keeps technician groups only, with the nearest group above as parent and the path of group names", () => {
    const tree = [
      node(1, null, "root", "Contoso"),
      node(2, 1, "technicianGroup", "Field Engineers"),
      node(3, 2, "technicianGroup", "North"),
      node(4, 3, "technician", "Alex"),
      node(5, 1, "administratorGroup", "Admins"),
      node(6, 5, "technicianGroup", "Under admins"),
    ];
    expect(technicianGroupsOf(tree)).toEqual([
      { id: 2, parentId: null, name: "Field Engineers", path: ["Field Engineers"] },
      { id: 3, parentId: 2, name: "North", path: ["Field Engineers", "North"] },
      { id: 6, parentId: null, name: "Under admins", path: ["Under admins"] },
    ]);
  });

  test("a parent cycle in a malformed tree ends the walk instead of looping", () => {
    const tree = [node(1, 2, "technicianGroup", "A"), node(2, 1, "technicianGroup", "B")];
    expect(technicianGroupsOf(tree).map((g) => g.path)).toEqual([
      ["B", "A"],
      ["A", "B"],
    ]);
  });
});
