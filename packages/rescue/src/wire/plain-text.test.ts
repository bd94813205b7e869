import { encodeBulkUsers, encodeForm, parsePlainTextReply, readBulkUserResults } from "./plain-text";

// The documented sample replies (docs/rescue-api.md), verbatim where the docs give them.
const AUTHCODE = "4ahx7fgaws7ohi0xyclwmd5sjtn3rprh0fegtstuf0y2ik6mkdp8e4ai9el4qyplr3w8ysgpqjq2oh40h80u0";
const SAMPLE_AUTHCODE = `OK AUTHCODE: ${AUTHCODE}`;
const SAMPLE_HIERARCHY = [
  "OK",
  "",
  "NodeID:1",
  "ParentID:0",
  "Name:Company",
  "Email:",
  "Description:",
  "Status:",
  "Type:Root",
  "",
  "NodeID:42",
  "ParentID:7",
  "Name:John Doe",
  "Email:john.doe@example.com",
  "Description:Note: call first",
  "Status:Offline",
  "Type:Technician",
  "",
  "",
].join("\n");

describe("parsePlainTextReply", () => {
  it("reads status-only codes", () => {
    expect(parsePlainTextReply("OK")).toEqual({
      code: "OK",
      value: undefined,
      text: "",
      fields: {},
      blocks: [],
      html: false,
    });
    expect(parsePlainTextReply("INVALIDPARAM_NODE").code).toBe("INVALIDPARAM_NODE");
    expect(parsePlainTextReply("  invalid_secretauthcode \r\n").code).toBe("INVALID_SECRETAUTHCODE");
  });

  it("reads the new node id of a create (`OK [new person nodeid]`)", () => {
    expect(parsePlainTextReply("OK 337366")).toMatchObject({ code: "OK", value: "337366" });
    expect(parsePlainTextReply("OK\n337366")).toMatchObject({ code: "OK", value: "337366" });
  });

  it("reads the requestAuthCode sample", () => {
    const reply = parsePlainTextReply(SAMPLE_AUTHCODE);
    expect(reply.code).toBe("OK");
    expect(reply.fields.authcode).toBe(AUTHCODE);
  });

  it("takes an HTML page for what it is, never for data", () => {
    const reply = parsePlainTextReply("<!DOCTYPE html>\n<html><body>OK Login</body></html>");
    expect(reply).toMatchObject({ code: "", html: true, blocks: [] });
    expect(parsePlainTextReply("\r\n  <html>\n<title>LogMeIn Rescue</title>").html).toBe(true);
  });

  it("reads getHierarchy_v2 node blocks separated by blank lines; a free-text colon stays in the value", () => {
    const reply = parsePlainTextReply(SAMPLE_HIERARCHY);
    expect(reply.blocks).toHaveLength(2);
    expect(reply.blocks[1]).toEqual({
      nodeid: "42",
      parentid: "7",
      name: "John Doe",
      email: "john.doe@example.com",
      description: "Note: call first",
      status: "Offline",
      type: "Technician",
    });
  });

  it("tolerates CRLF and a hierarchy with no blank line after OK", () => {
    const reply = parsePlainTextReply("OK\r\nNodeID:1\r\nType:Root\r\n\r\nNodeID:2\r\nType:Technicians\r\n");
    expect(reply.blocks.map((b) => b.nodeid)).toEqual(["1", "2"]);
  });

  it("reads `OK:<url>` (getLoginTicket)", () => {
    expect(parsePlainTextReply("OK:https://example.com/ticket")).toMatchObject({
      code: "OK",
      value: "https://example.com/ticket",
    });
  });

  it("gives an empty code for an empty body", () => {
    expect(parsePlainTextReply("").code).toBe("");
  });
});

describe("request encoding", () => {
  it("sends booleans as True/False and leaves out undefined", () => {
    expect(
      encodeForm({ node: 5, mobileaddon: false, rpataddon: true, nick: undefined, name: "A & B" }).toString(),
    ).toBe("node=5&mobileaddon=False&rpataddon=True&name=A+%26+B");
  });

  it("encodes createUsers rows as indexed form fields", () => {
    const params = encodeBulkUsers([
      {
        uniqueid: "ts0",
        parentid: 9,
        name: "N",
        nick: "",
        email: "n@example.com",
        ssoid: "",
        pwd: "p",
        confpwd: "p",
        status: "Enabled",
      },
    ]);
    expect(params["USERDATA[0].uniqueid"]).toBe("ts0");
    expect(params["USERDATA[0].parentid"]).toBe(9);
    expect(params["USERDATA[0].status"]).toBe("Enabled");
  });

  it("reads per-user createUsers results", () => {
    const reply = parsePlainTextReply(
      "OK\n\nUniqueID:ts0\nNodeID:77\nResult:OK\n\nUniqueID:ts1\nNodeID:0\nResult:INVALIDPARAM_EMAIL_ALREADY_IN_USE\n\n",
    );
    expect(readBulkUserResults(reply)).toEqual([
      { uniqueId: "ts0", nodeId: 77, code: "OK" },
      { uniqueId: "ts1", nodeId: undefined, code: "INVALIDPARAM_EMAIL_ALREADY_IN_USE" },
    ]);
  });
});
