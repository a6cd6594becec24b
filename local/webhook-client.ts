import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The headers of a Standard Webhooks delivery, as a client sending to Signoff builds them. */
export function signedHeaders(secret: string, body: string, id: string = `msg_${randomUUID()}`, at: Date = new Date()): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
