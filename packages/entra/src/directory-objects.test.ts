import { isExternalUserPrincipalName } from "@techsync/sync-core";
import fc from "fast-check";
import { classifyMember, type GraphMemberObject, toDirectoryUser } from "./directory-objects";

const USER = "#microsoft.graph.user";

describe("classifyMember", () => {
  it.each([
    ["#microsoft.graph.orgContact", "orgContact"],
    ["#microsoft.graph.device", "device"],
    ["#microsoft.graph.servicePrincipal", "servicePrincipal"],
    ["#microsoft.graph.somethingNew", "other"],
  ] as const)("%s is skipped as %s: not a user", (type, kind) => {
    const member = classifyMember({ "@odata.type": type, id: "x1", displayName: "LAPTOP-123" }, { transitive: true });
    expect(member).toEqual({
      kind: "skipped",
      member: { id: "x1", kind, displayName: "LAPTOP-123", reason: "not-a-user" },
    });
  });

  it("a nested group is read through in a transitive list, and reported in a direct one", () => {
    const group = { "@odata.type": "#microsoft.graph.group", id: "g2", displayName: "Night Shift" };
    expect(classifyMember(group, { transitive: true })).toEqual({ kind: "ignored" });
    expect(classifyMember(group, { transitive: false })).toEqual({
      kind: "skipped",
      member: { id: "g2", kind: "group", displayName: "Night Shift", reason: "nested-group-not-read" },
    });
  });

  it("a user (with or without the type annotation) is a user; its userType says member or guest", () => {
    const member = classifyMember({ id: "u1", userPrincipalName: "ada@corp.example" }, { transitive: true });
    expect(member).toMatchObject({ kind: "user", user: { id: "u1", userType: "member" } });
    const guest = classifyMember(
      { "@odata.type": USER, id: "u2", userType: "Guest", userPrincipalName: "jane_contoso.com#EXT#@corp.example" },
      { transitive: true },
    );
    expect(guest).toMatchObject({ kind: "user", user: { id: "u2", userType: "guest" } });
  });
});

describe("a guest's email", () => {
  const jane = {
    id: "u2",
    userType: "Guest",
    userPrincipalName: "jane_contoso.com#EXT#@fabrikam.onmicrosoft.com",
  };

  it("is its mail, else the address it was invited with (otherMails), else none", () => {
    expect(toDirectoryUser({ ...jane, mail: "jane@contoso.com", otherMails: ["x@y.example"] }).mail).toBe(
      "jane@contoso.com",
    );
    expect(toDirectoryUser({ ...jane, mail: null, otherMails: ["jane@contoso.com"] }).mail).toBe("jane@contoso.com");
    expect(toDirectoryUser({ ...jane, mail: null, otherMails: [] }).mail).toBeNull();
    expect(toDirectoryUser({ ...jane, mail: null }).mail).toBeNull();
  });

  it("an account with no userType but an #EXT# name is a guest", () => {
    expect(toDirectoryUser({ ...jane, userType: null }).userType).toBe("guest");
  });

  it("a member's otherMails (recovery addresses) are never its email", () => {
    const ada = { id: "u1", userType: "Member", userPrincipalName: "ada@corp.example", mail: null };
    expect(toDirectoryUser({ ...ada, otherMails: ["ada.private@gmail.example"] }).mail).toBeNull();
  });

  const segment = fc.stringMatching(/^[a-z0-9._-]{1,16}$/);
  const externalUpn = fc
    .tuple(segment, segment, segment, fc.constantFrom("#EXT#", "#ext#"))
    .map(([local, domain, tenant, mark]) => `${local}_${domain}.example${mark}@${tenant}.onmicrosoft.com`);

  it("is never an #EXT# user principal name, whatever mail, otherMails and userType hold (property)", () => {
    fc.assert(
      fc.property(
        externalUpn,
        fc.option(fc.constantFrom("Guest", "Member", "guest"), { nil: null }),
        fc.option(fc.constant("jane@contoso.example"), { nil: null }),
        fc.array(fc.oneof(externalUpn, fc.constant("jane@contoso.example"), fc.constant(""), segment), {
          maxLength: 3,
        }),
        (upn, userType, mail, otherMails) => {
          const user: GraphMemberObject = { id: "u", userPrincipalName: upn, userType, mail, otherMails };
          const email = toDirectoryUser(user).mail;
          if (email !== null) {
            expect(isExternalUserPrincipalName(email)).toBe(false);
            expect(email).toBe("jane@contoso.example");
          }
        },
      ),
    );
  });
});
