import { buildRescueGroupTree, rescueGroupLabel } from "./rescue-group-tree";

test("flat Rescue groups become a tree, siblings by name, orphans at the root", () => {
  const tree = buildRescueGroupTree([
    { id: 3, parentId: 1, name: "South", path: ["Field", "South"] },
    { id: 1, parentId: null, name: "Field", path: ["Field"] },
    { id: 2, parentId: 1, name: "North", path: ["Field", "North"] },
    { id: 4, parentId: 99, name: "Orphan", path: ["Admins", "Orphan"] },
  ]);
  expect(tree.map((n) => n.group.name)).toEqual(["Field", "Orphan"]);
  expect(tree[0]?.children.map((n) => n.group.name)).toEqual(["North", "South"]);
  expect(rescueGroupLabel(tree[0]!.children[0]!.group)).toBe("Field › North");
});
