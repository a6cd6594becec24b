import { ValidationError } from '../errors.js';

// A signed call is good for one call (issue #11). Standard Webhooks signs `webhook-id.webhook-timestamp.body` and
// nothing else: not the path, not the method. A delivery captured on its way to one route verified on any other
// signed route for five minutes — an intake delivery replayed to /v1/requests/{other}/withdraw withdrew another
// request. Two defences, each enough on its own for the cases it covers:
//
//  - the signed body names what it asks and of which request: `"action"` and `"requestId"` (this module);
//  - every accepted webhook-id is remembered with the call it was accepted for, route, request and body hash, and
//    the same id on another call is a 409 (lambdas/adapters/approvals.ts keeps them; `conflictOf` compares).

/** What a signed call asks for. The names follow the audit trail's request.submitted, request.version, request.withdrawn. */
export type SignedAction = 'submit' | 'new-version' | 'withdraw';

/** The route each action is taken at, as the API names it. */
export const SIGNED_ROUTES: Readonly<Record<SignedAction, string>> = {
  submit: 'POST /v1/requests',
  'new-version': 'POST /v1/requests/{requestId}/versions',
  withdraw: 'POST /v1/requests/{requestId}/withdraw',
};

/** The fields that say what a signed body is for; the rest of the body is the call's content. */
export const ENVELOPE_FIELDS = ['action', 'requestId'] as const;

/** The call a route takes: its action, and for the routes under a request, that request's id (from the path). */
export type ExpectedCall = { readonly action: 'submit' } | { readonly action: 'new-version' | 'withdraw'; readonly requestId: string };

/** A value as a problem quotes it: JSON, cut short (a body may hold 128 KiB in one field). */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that the signed body names the call this route takes, and returns the body without its envelope fields
 * (the content: a submission, or nothing for a withdrawal). Throws ValidationError naming `action` or `requestId`.
 *
 *  - submit (POST /v1/requests): `action` may be left out (bodies signed before it existed are submissions); when
 *    given it must be "submit". `requestId` is refused: a new request has no id yet, and a body naming one was
 *    signed for another route.
 *  - new-version, withdraw: `"action"` must be the route's and `"requestId"` the id in the path.
 */
export function signedContent(body: unknown, expected: ExpectedCall): Record<string, unknown> {
  const route = SIGNED_ROUTES[expected.action];
  if (!isRecord(body)) {
    const fields =
      expected.action === 'submit' ? 'a submission' : `"action": "${expected.action}" and "requestId": "${expected.requestId}"`;
    throw new ValidationError([`body: must be a JSON object, ${fields} (${route})`]);
  }
  const problems: string[] = [];
  const { action, requestId, ...content } = body;
  if (action === undefined) {
    if (expected.action !== 'submit') problems.push(`action: required; a call to ${route} must sign "action": "${expected.action}"`);
  } else if (action !== expected.action) {
    problems.push(`action: ${route} takes "action": "${expected.action}", not ${quoted(action)}`);
  }
  if (expected.action === 'submit') {
    if (requestId !== undefined)
      problems.push(
        `requestId: a submission names no request (the request id is given in the answer); this body was signed for another route`,
      );
  } else if (requestId === undefined) {
    problems.push(`requestId: required; a call to ${route} must sign "requestId": "${expected.requestId}", the request of its path`);
  } else if (requestId !== expected.requestId) {
    problems.push(`requestId: ${quoted(requestId)} is not the request of this path ("${expected.requestId}")`);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return content;
}

/** What the store of webhook ids keeps of an accepted signed call. */
export interface SignedCallRecord {
  readonly webhookId: string;
  readonly action: SignedAction;
  /** The request the call concerns: the path's, or for a submission the id its webhook-id gives the new request. */
  readonly requestId: string;
  /** sha256 of the delivered bytes. */
  readonly bodyHash: string;
  readonly acceptedAt: string;
}

/**
 * How long an accepted webhook-id is remembered. Far beyond the ±5 minutes a signature is good for: a sender
 * retries a failed delivery with the same id (and a fresh signature) for up to days, and each retry must get the
 * first answer. After this the id's record may go; a delivery that old cannot be replayed, only signed anew.
 */
export const WEBHOOK_ID_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * Compares a call with the one its webhook-id was first accepted for. `undefined`: the same call again (a retried
 * delivery), to be answered as the first was; otherwise the reason it is a conflict, for a 409.
 */
export function conflictOf(first: SignedCallRecord, call: SignedCallRecord): string | undefined {
  const oneCall = 'a webhook-id is good for one call: sign each call with a new webhook-id';
  if (first.action !== call.action || first.requestId !== call.requestId) {
    const target = first.action === 'submit' ? `(it created request ${first.requestId})` : `for request ${first.requestId}`;
    return `webhook-id ${call.webhookId} was already used at ${first.acceptedAt} for ${SIGNED_ROUTES[first.action]} ${target}; ${oneCall}`;
  }
  if (first.bodyHash !== call.bodyHash) {
    return `webhook-id ${call.webhookId} was already used for a different body; ${oneCall} (a retry sends the same body with the same webhook-id)`;
  }
  return undefined;
}

/**
 * What is wrong with how a signed body says it is encoded, or undefined: it must be JSON (`Content-Type:
 * application/json`, any parameters; a request that names no type is read as JSON, as clients that omit it mean it) and
 * not compressed (`Content-Encoding` absent or `identity`): a signature over gzip bytes read as JSON text is no
 * signature over what was meant.
 */
export function bodyEncodingProblem(contentType: string | undefined, contentEncoding: string | undefined): string | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'application/json') return `Content-Type is ${JSON.stringify(type)}; send the body as application/json`;
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity')
    return `Content-Encoding ${JSON.stringify(encoding)} is not supported; send the body uncompressed`;
  return undefined;
}
