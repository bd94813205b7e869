// "Forgot password?" end to end at the API: the link arrives by real SMTP, works once, expires, refuses a weak
// password; the answer is the same for an unknown address (no mail then); requests are limited.
import { createMailer } from "@techsync/alerts";
import { type ApiHarness, startApiHarness } from "../../../test/api-harness";
import { type SmtpInbox, startSmtpInbox } from "../../../test/smtp-inbox";

let api: ApiHarness;
let inbox: SmtpInbox;
let service: string;

beforeAll(async () => {
  inbox = await startSmtpInbox();
  api = await startApiHarness({ mailer: createMailer({ smtpUrl: inbox.url, from: "TechSync <t@techsync.test>" }) });
  service = await api.serviceToken();
});
afterAll(async () => {
  await api.close();
  await inbox.close();
});

const ask = (email: string, address = "198.51.100.7") =>
  api.call(service, {
    method: "POST",
    url: "/v1/auth/password-reset",
    payload: { email },
    headers: { "x-forwarded-for": address },
  });
const confirm = (token: string, password: string) =>
  api.call(service, { method: "POST", url: "/v1/auth/password-reset/confirm", payload: { token, password } });
const tokenIn = (text: string) => /\/reset-password\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? "";

async function registered(email: string) {
  const res = await api.call(service, {
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email, password: "old correct horse battery" },
  });
  expect(res.statusCode).toBe(202);
}

test("the emailed link sets a new password once; the old password stops working", async () => {
  await registered("forgetful@example.test");
  const asked = await ask("forgetful@example.test");
  expect(asked.statusCode).toBe(202);
  const mail = await inbox.waitFor((m) => m.to === "forgetful@example.test");
  expect(mail.subject).toBe("[TechSync] Set a new password");
  expect(mail.text).toContain("http://portal.test/reset-password/");
  const token = tokenIn(mail.text);
  expect(await api.prisma.passwordResetToken.count({ where: { tokenHash: token } })).toBe(0); // only its hash

  expect((await confirm(token, "short")).json().message).toMatch(/at least 10 characters/);
  const done = await confirm(token, "violet tractor sings at noon");
  expect(done.statusCode).toBe(200);
  expect(done.json()).toEqual({ status: "done", email: "forgetful@example.test" });
  const again = await confirm(token, "another violet tractor sings");
  expect(again.statusCode).toBe(400);
  expect(again.json().message).toMatch(/does not work any more/);

  const login = (password: string) =>
    api.call(service, {
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: "forgetful@example.test", password },
    });
  expect((await login("violet tractor sings at noon")).statusCode).toBe(200);
  expect((await login("old correct horse battery")).statusCode).toBe(401);
});

test("an unknown address gets the same answer and no mail", async () => {
  await registered("known@example.test");
  const known = await ask("known@example.test", "198.51.100.8");
  const unknown = await ask("nobody-here@example.test", "198.51.100.8");
  expect(unknown.statusCode).toBe(known.statusCode);
  expect(unknown.json()).toEqual(known.json());
  await inbox.waitFor((m) => m.to === "known@example.test");
  await new Promise((r) => setTimeout(r, 500));
  expect(inbox.mails.some((m) => m.to === "nobody-here@example.test")).toBe(false);
});

test("an expired link is refused, and a newer link replaces an older one", async () => {
  await registered("late@example.test");
  await ask("late@example.test", "198.51.100.9");
  const first = tokenIn((await inbox.waitFor((m) => m.to === "late@example.test")).text);
  await ask("late@example.test", "198.51.100.9");
  const second = tokenIn((await inbox.waitFor((m) => m.to === "late@example.test" && tokenIn(m.text) !== first)).text);
  expect((await confirm(first, "violet tractor sings at noon")).statusCode).toBe(400);
  await api.prisma.passwordResetToken.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
  expect((await confirm(second, "violet tractor sings at noon")).statusCode).toBe(400);
});

test("requests for one address are limited", async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await ask("limited@example.test", `203.0.113.${i + 1}`)).statusCode);
  expect(statuses).toEqual([202, 202, 202, 429]);
});

test("an invitation is mailed to the invitee with its link (the same mail path)", async () => {
  const owner = await api.ownerWithTenant("Mailing Ltd");
  const res = await api.call(owner.token, {
    method: "POST",
    url: `/v1/tenants/${owner.tenantId}/invitations`,
    payload: { email: "newcomer@example.test", role: "admin" },
  });
  expect(res.statusCode).toBe(201);
  const mail = await inbox.waitFor((m) => m.to === "newcomer@example.test");
  expect(mail.subject).toBe("[TechSync] You are invited to Mailing Ltd");
  expect(mail.text).toContain(res.json().link);
});
