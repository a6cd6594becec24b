import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// What a system that calls Signoff's signed routes sends (README "Signed calls"). The signature covers the
// webhook-id, the timestamp and the body, not the path: so the body says which call it is, and each call has a
// webhook-id of its own.

/** The headers of a Standard Webhooks delivery, as a client sending to Signoff builds them. */
export function signedHeaders(
  secret: string,
  body: string,
  id: string = `msg_${randomUUID()}`,
  at: Date = new Date(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

/** The body of `POST /v1/requests`: the submission itself, saying what it is for. */
export function submissionBody(submission: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ action: 'submit', ...submission });
}

/** The body of `POST /v1/requests/{requestId}/versions`: the whole request again, naming the request. */
export function newVersionBody(requestId: string, submission: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ action: 'new-version', requestId, ...submission });
}

/** The body of `POST /v1/requests/{requestId}/withdraw`. */
export function withdrawalBody(requestId: string): string {
  return JSON.stringify({ action: 'withdraw', requestId });
}
