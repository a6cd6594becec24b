import { AccountIdTakenError, DuplicateHandleError } from '../adapters/registry.js';
import { accountIdFor } from '../core/ids.js';
import { NotFoundError } from '../core/errors.js';
import type { RegistryAccount } from '../core/model.js';
import { accountRegisteredMail } from '../core/render/render.js';
import type { Directory } from '../core/request/directory.js';
import type { AccountRegistry, AuditLog, RequestStore } from './ports.js';
import { sendOnce, type SendOncePorts } from './send-once.js';

// An approved account opening enters the registry (GOVERNANCE.md §6) — platform, handle, unit, admins, the
// social-media manager's admin status, where the access details are kept (a reference, never a secret), status
// active, opened by this request. From then on it is a valid target for brand posts. Its administrators and the
// social-media manager are told once. A replay finds the account registered by this request and sends nothing twice.

export interface RegisterAccountPorts extends SendOncePorts {
  readonly requests: Pick<RequestStore, 'getRequest' | 'saveRegistration' | 'claimFlag' | 'markFlagSent' | 'releaseFlag'>;
  readonly registry: Pick<AccountRegistry, 'registerAccount'>;
  readonly audit: Pick<AuditLog, 'appendAuditUnless'>;
  readonly directory: Directory;
  readonly mailFrom: string;
}

export async function registerOpenedAccount(
  { requestId, version }: { readonly requestId: string; readonly version: number },
  ports: RegisterAccountPorts,
  deadline: Date,
  now: Date = new Date(),
): Promise<{ registered: boolean; accountId: string }> {
  const { directory } = ports;
  const request = await ports.requests.getRequest(requestId);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  const s = request.submission;
  if (s.kind !== 'account-opening' || request.outcome !== 'approved') {
    throw new NotFoundError(`request ${requestId} is not an approved account opening`);
  }
  const people = (emails: readonly string[]) =>
    emails.map((e) => directory.personByEmail(e)?.id).filter((id): id is string => id !== undefined);
  const admins = people(s.admins);
  const account: RegistryAccount = {
    id: accountIdFor(s),
    platform: s.platform,
    handle: s.handle,
    unit: s.unit,
    posters: [...new Set([...people([s.submitter]), ...admins])],
    admins,
    status: 'active',
    smmAdmin: s.attestations.smmAdmin === true,
    credentialStore: s.attestations.credentialStore,
    openedBy: requestId,
    openedAt: now.toISOString(),
  };
  let registered: boolean;
  let reason: string | undefined;
  try {
    await ports.registry.registerAccount(account, directory);
    registered = true;
    // Audited once per version, also when a replay finds the account registered by this request (a run that died
    // between the registry's write and this event left it unaudited).
    await ports.audit.appendAuditUnless(
      requestId,
      {
        type: 'account.registered',
        actor: 'signoff',
        data: {
          accountId: account.id,
          platform: account.platform,
          handle: account.handle,
          unit: account.unit,
          admins: [...s.admins],
          smmAdmin: account.smmAdmin,
          credentialStore: account.credentialStore ?? null,
          version,
        },
      },
      (e) => e.type === 'account.registered' && e.data['version'] === version,
    );
  } catch (error) {
    // Approved, but the registry refuses: another request took the id or the handle since the checks ran.
    if (!(error instanceof AccountIdTakenError) && !(error instanceof DuplicateHandleError)) throw error;
    registered = false;
    reason = error.message;
  }
  const latest = await ports.requests.saveRegistration(requestId, version, {
    accountId: account.id,
    registered,
    ...(reason !== undefined ? { reason } : {}),
  });
  if (!registered) {
    await ports.audit.appendAuditUnless(
      requestId,
      { type: 'account.registration-refused', actor: 'signoff', data: { accountId: account.id, reason: reason ?? null, version } },
      (e) => e.type === 'account.registration-refused' && e.data['version'] === version,
    );
    return { registered, accountId: account.id };
  }
  const to = [...new Set([...s.admins, ...directory.group('socialMediaManager').map((p) => p.email)])];
  await sendOnce(ports, {
    requestId,
    version,
    flag: 'adminsNotified',
    kind: 'account-registered',
    leaseUntil: deadline,
    compose: () => ({
      from: ports.mailFrom,
      to,
      ...accountRegisteredMail(directory.institution, latest ?? request, {
        id: account.id,
        domain: directory.domain,
        unitName: directory.unitName(s.unit) ?? s.unit,
      }),
    }),
    sent: (messageId) => ({
      type: 'notification.sent',
      actor: 'signoff',
      data: { to, about: 'account.registered', accountId: account.id, messageId },
    }),
  });
  return { registered, accountId: account.id };
}
