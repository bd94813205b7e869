// Sending mail over SMTP with nodemailer: alerts, invitations and password reset links share this one path.
// SMTP_URL names the server (smtp:// or smtps://, credentials in it are never logged); SMTP_FROM the sender.
import nodemailer from "nodemailer";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl: string;
  from: string;
  /** Give up on a server that does not answer (default 15 s). */
  timeoutMs?: number;
}

export function createMailer(options: MailerOptions): Mailer {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport(options.smtpUrl, {
    from: options.from,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as never);
  return {
    async send(message) {
      await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}

/** Why a mail could not be sent, in words, without the server's address or credentials. */
export function describeMailError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === "ECONNECTION" || code === "ESOCKET") return "The mail server could not be reached.";
  if (code === "ETIMEDOUT") return "The mail server did not answer in time.";
  if (code === "EAUTH") return "The mail server refused TechSync's sign-in.";
  if (code === "EENVELOPE") return "The mail server refused the address.";
  const response = (error as { responseCode?: number } | null)?.responseCode;
  if (response) return `The mail server refused the message (SMTP ${response}).`;
  return "The mail could not be sent.";
}
