// Real groups hold more than member users: guests, organisational contacts, devices, service principals and
// nested groups. Each comes back with its own @odata.type and only the properties its type has.
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_GROUP_IDS,
  DEMO_NON_MEMBER_IDS,
  DEMO_TENANT_ID,
} from "./demo-directory";
import { type BuiltGraphEmulator, buildGraphEmulator } from "./graph-emulator";

let emulator: BuiltGraphEmulator;

beforeAll(async () => {
  emulator = await buildGraphEmulator();
});
afterAll(async () => {
  await emulator.app.close();
});
beforeEach(() => {
  emulator.admin.reset();
});

async function graph(url: string, headers: Record<string, string> = {}) {
  const issued = await emulator.app.inject({
    method: "POST",
    url: `/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: DEMO_CLIENT_ID,
      client_secret: DEMO_CLIENT_SECRET,
      scope: "https://graph.microsoft.com/.default",
    }).toString(),
  });
  return emulator.app.inject({
    method: "GET",
    url: `/v1.0${url}`,
    headers: { authorization: `Bearer ${issued.json().access_token}`, ...headers },
  });
}

type Member = Record<string, unknown> & { id: string; "@odata.type": string };
const byId = (members: Member[]) => new Map(members.map((member) => [member.id, member]));
const USER_SELECT = "id,displayName,givenName,mail,userPrincipalName,accountEnabled,userType,otherMails,department";

describe("members of every type", () => {
  it("a $select of user properties keeps, on other types, only id, @odata.type and the properties they have", async () => {
    const response = await graph(`/groups/${DEMO_GROUP_IDS.helpdesk}/members?$select=${USER_SELECT}&$top=999`);
    expect(response.statusCode).toBe(200);
    const members = byId(response.json().value);
    expect(members.get(DEMO_NON_MEMBER_IDS.device)).toEqual({
      "@odata.type": "#microsoft.graph.device",
      id: DEMO_NON_MEMBER_IDS.device,
      displayName: "LAPTOP-HD-001",
      accountEnabled: true,
    });
    expect(members.get(DEMO_NON_MEMBER_IDS.contact)).toEqual({
      "@odata.type": "#microsoft.graph.orgContact",
      id: DEMO_NON_MEMBER_IDS.contact,
      displayName: "Tailspin Support Desk",
      givenName: null,
      mail: "support@tailspin.example",
      department: null,
    });
    expect(members.get(DEMO_NON_MEMBER_IDS.servicePrincipal)).toEqual({
      "@odata.type": "#microsoft.graph.servicePrincipal",
      id: DEMO_NON_MEMBER_IDS.servicePrincipal,
      displayName: "Helpdesk Automation",
      accountEnabled: true,
    });
    expect(members.get(DEMO_GROUP_IDS.escalations)).toEqual({
      "@odata.type": "#microsoft.graph.group",
      id: DEMO_GROUP_IDS.escalations,
      displayName: "Escalations",
      mail: null,
    });
  });

  it("guests are users with userType Guest, an #EXT# user principal name, and often no mail", async () => {
    const response = await graph(`/groups/${DEMO_GROUP_IDS.helpdesk}/members?$select=${USER_SELECT}`);
    const members = byId(response.json().value);
    expect(members.get(DEMO_NON_MEMBER_IDS.guestWithMail)).toMatchObject({
      "@odata.type": "#microsoft.graph.user",
      userType: "Guest",
      mail: "jane.doe@fabrikam.example",
      userPrincipalName: "jane.doe_fabrikam.example#EXT#@contoso-demo.example",
    });
    expect(members.get(DEMO_NON_MEMBER_IDS.guestWithOtherMail)).toMatchObject({
      mail: null,
      otherMails: ["raj.iyer@northwind.example"],
    });
    expect(members.get(DEMO_NON_MEMBER_IDS.guestWithoutEmail)).toMatchObject({ mail: null, otherMails: [] });
    const member = [...members.values()].find(
      (m) => m["@odata.type"] === "#microsoft.graph.user" && m.userType !== "Guest",
    );
    expect(member?.userType).toBe("Member");
  });

  it("userType and otherMails come only when selected, as Graph does", async () => {
    const user = (await graph(`/users/${DEMO_NON_MEMBER_IDS.guestWithMail}`)).json();
    expect(user).not.toHaveProperty("userType");
    expect(user).not.toHaveProperty("otherMails");
  });

  it("without $select each type shows its own default properties, never a user's", async () => {
    const members = byId((await graph(`/groups/${DEMO_GROUP_IDS.helpdesk}/members`)).json().value);
    const device = members.get(DEMO_NON_MEMBER_IDS.device);
    expect(device).toMatchObject({ operatingSystem: "Windows", deviceId: expect.any(String) });
    expect(device).not.toHaveProperty("mail");
    expect(device).not.toHaveProperty("userPrincipalName");
  });

  it("the user cast returns users (guests too) and nothing else, on members and transitiveMembers", async () => {
    const direct = (await graph(`/groups/${DEMO_GROUP_IDS.helpdesk}/members/microsoft.graph.user?$select=id`)).json();
    const transitive = (
      await graph(
        `/groups/${DEMO_GROUP_IDS.allTechnicians}/transitiveMembers/microsoft.graph.user?$select=id&$count=true`,
        {
          consistencylevel: "eventual",
        },
      )
    ).json();
    for (const body of [direct, transitive]) {
      const types = new Set(body.value.map((member: Member) => member["@odata.type"]));
      expect(types).toEqual(new Set(["#microsoft.graph.user"]));
      expect(body.value.map((member: Member) => member.id)).toContain(DEMO_NON_MEMBER_IDS.guestWithoutEmail);
      expect(body.value.map((member: Member) => member.id)).not.toContain(DEMO_NON_MEMBER_IDS.device);
    }
  });

  it("transitiveMembers flattens nested groups' contacts, devices and service principals, each once", async () => {
    const body = (
      await graph(`/groups/${DEMO_GROUP_IDS.allTechnicians}/transitiveMembers?$select=id,displayName&$top=999`)
    ).json();
    const ids: string[] = body.value.map((member: Member) => member.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [DEMO_NON_MEMBER_IDS.contact, DEMO_NON_MEMBER_IDS.device, DEMO_NON_MEMBER_IDS.servicePrincipal]) {
      expect(ids).toContain(id);
    }
  });

  it("without the permission for a type, its members come back as id and type only (limited information)", async () => {
    emulator.admin.tenant(DEMO_TENANT_ID)?.setAppRoles(DEMO_CLIENT_ID, ["GroupMember.Read.All", "User.Read.All"]);
    const members = byId(
      (await graph(`/groups/${DEMO_GROUP_IDS.helpdesk}/members?$select=${USER_SELECT}`)).json().value,
    );
    expect(members.get(DEMO_NON_MEMBER_IDS.device)).toEqual({
      "@odata.type": "#microsoft.graph.device",
      id: DEMO_NON_MEMBER_IDS.device,
    });
    expect(members.get(DEMO_NON_MEMBER_IDS.guestWithMail)).toMatchObject({ mail: "jane.doe@fabrikam.example" });
  });

  it("the initial group delta lists every direct member with its type", async () => {
    const filter = encodeURIComponent(`id eq '${DEMO_GROUP_IDS.helpdesk}'`);
    const body = (await graph(`/groups/delta?$select=displayName,members&$filter=${filter}`)).json();
    const members = body.value.flatMap((group: { "members@delta"?: Member[] }) => group["members@delta"] ?? []);
    expect(byId(members).get(DEMO_NON_MEMBER_IDS.servicePrincipal)).toEqual({
      "@odata.type": "#microsoft.graph.servicePrincipal",
      id: DEMO_NON_MEMBER_IDS.servicePrincipal,
    });
  });

  it("the admin API adds a device to a group; the member list then shows it", async () => {
    const created = await emulator.app.inject({
      method: "POST",
      url: `/_emulator/tenants/${DEMO_TENANT_ID}/directoryObjects`,
      payload: { kind: "device", displayName: "KIOSK-7" },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    await emulator.app.inject({
      method: "POST",
      url: `/_emulator/tenants/${DEMO_TENANT_ID}/groups/${DEMO_GROUP_IDS.nightShift}/members`,
      payload: { memberId: id },
    });
    const members = byId((await graph(`/groups/${DEMO_GROUP_IDS.nightShift}/members?$select=id,mail`)).json().value);
    expect(members.get(id)).toEqual({ "@odata.type": "#microsoft.graph.device", id });
    const bad = await emulator.app.inject({
      method: "POST",
      url: `/_emulator/tenants/${DEMO_TENANT_ID}/directoryObjects`,
      payload: { kind: "printer", displayName: "P1" },
    });
    expect(bad.statusCode).toBe(400);
  });
});
