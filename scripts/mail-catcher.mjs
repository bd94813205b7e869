// The sandbox's mail catcher: an SMTP server that keeps every message in memory (nothing leaves the machine) and
// an inbox page listing them, newest first (also as JSON at /messages.json). `npm start` runs it and points
// SMTP_URL at it, so alerts, invitations and password reset links can be read locally.
import http from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

const env = process.env;
const host = env.MAIL_CATCHER_HOST || "127.0.0.1";
const smtpPort = Number(env.MAIL_CATCHER_SMTP_PORT || 1025);
const webPort = Number(env.MAIL_CATCHER_PORT || 1080);
const KEEP = 200;
const messages = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  size: 1024 * 1024,
  onData(stream, session, callback) {
    simpleParser(stream).then((parsed) => {
      messages.unshift({
        receivedAt: new Date().toISOString(),
        from: parsed.from?.text ?? "",
        to: session.envelope.rcptTo.map((r) => r.address),
        subject: parsed.subject ?? "",
        text: parsed.text ?? "",
      });
      messages.length = Math.min(messages.length, KEEP);
      callback();
    }, callback);
  },
});

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const linkify = (text) => escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);

const web = http.createServer((req, res) => {
  if (req.url === "/messages.json") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(messages));
    return;
  }
  const items = messages
    .map(
      (m) =>
        `<article><h2>${escapeHtml(m.subject)}</h2><p>To ${escapeHtml(m.to.join(", "))} · ${escapeHtml(m.receivedAt)}</p><pre>${linkify(m.text)}</pre></article>`,
    )
    .join("");
  res
    .writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TechSync mail catcher</title><style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap}article{border-bottom:1px solid #ccc}</style></head><body><main><h1>Mail caught on this machine</h1>${items || "<p>No mail yet.</p>"}</main></body></html>`,
    );
});

smtp.listen(smtpPort, host, () => {
  web.listen(webPort, host, () => {
    console.log(`mail catcher: SMTP smtp://${host}:${smtpPort}, inbox http://${host}:${webPort}`);
  });
});
const stop = () => {
  smtp.close(() => web.close(() => process.exit(0)));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
