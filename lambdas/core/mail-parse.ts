import type { Readable } from 'node:stream';
import { simpleParser, type AddressObject } from 'mailparser';
import type { InboundMail } from './mail.js';

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '').filter((x) => x !== ''));
}

/**
 * Parses raw MIME. Recipients are the envelope's (SMTP RCPT TO, SES receipt recipients): who the mail was
 * delivered to, which To and Cc headers do not prove.
 */
export async function parseInboundMail(raw: Buffer | Readable, envelopeRecipients: readonly string[]): Promise<InboundMail> {
  const parsed = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  const references = parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];
  return {
    messageId: parsed.messageId ?? '',
    from: addresses(parsed.from)[0],
    recipients: [...envelopeRecipients],
    subject: (parsed.subject ?? '').trim(),
    text: parsed.text ?? '',
    references,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, content: a.content })),
  };
}
