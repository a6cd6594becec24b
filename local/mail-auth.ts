import { Resolver } from 'node:dns/promises';
import { authenticate } from 'mailauth';
import type { SesReceiptRecord } from '../lambdas/adapters/ses-receipt.js';

// The local SMTP intake's verifying mode (SIGNOFF_MAIL_AUTH=verify): what SES receipt does before Signoff sees a mail,
// done here with mailauth — SPF for the connecting address and MAIL FROM, each DKIM signature, DMARC — against the DNS
// server given (SIGNOFF_DNS_SERVER, e.g. a test's own on loopback) or the system's. The outcome takes SES's shape: the
// receipt's verdicts and envelope sender, and the raw message with the receiver's Received-SPF and
// Authentication-Results on top, under this stand-in's own authserv-id. From there the SES adapter and the core's
// alignment rule decide, exactly as on AWS.

/** The authserv-id this stand-in writes, and the only one the verifying mode trusts. */
export const LOCAL_AUTHSERV_ID = 'signoff.local';

/** What SMTP knows of the sender: the connecting address, its EHLO name, its MAIL FROM. */
export interface SmtpPeer {
  readonly remoteAddress: string;
  readonly helo: string;
  readonly mailFrom: string | undefined;
}

export interface LocalReceipt {
  readonly record: SesReceiptRecord;
  /** The message as SES would store it: the receiver's headers prepended. */
  readonly stored: Buffer;
}

/** SES's verdict words for a result (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html). */
function verdict(result: string | undefined): 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' {
  switch (result) {
    case 'pass':
      return 'PASS';
    case 'fail':
    case 'softfail':
      return 'FAIL';
    case 'temperror':
    case 'permerror':
      return 'PROCESSING_FAILED';
    default:
      return 'GRAY';
  }
}

/** A receiver that authenticates each mail with mailauth, asking `dnsServer` ("host:port"), or the system's resolver. */
export function localReceiver(dnsServer: string | undefined): (raw: Buffer, peer: SmtpPeer) => Promise<LocalReceipt> {
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (dnsServer !== undefined) resolver.setServers([dnsServer]);
  return async (raw, peer) => {
    const result = await authenticate(raw, {
      ip: peer.remoteAddress.replace(/^::ffff:/u, ''),
      helo: peer.helo,
      ...(peer.mailFrom === undefined ? {} : { sender: peer.mailFrom }),
      mta: LOCAL_AUTHSERV_ID,
      // mailauth types its resolver's answers as TXT's and A's shapes only, though its SPF check asks for MX records
      // too and reads them as node:dns gives them (its own default resolver is node:dns's `resolve`).
      resolver: (name, rrtype) => resolver.resolve(name, rrtype) as Promise<string[] | string[][]>,
      disableArc: true,
      disableBimi: true,
    });
    const dkim = (result.dkim.results ?? []).map((r) => r.status.result);
    const dkimVerdict = dkim.includes('pass')
      ? 'PASS'
      : dkim.includes('fail')
        ? 'FAIL'
        : dkim.some((r) => r.endsWith('error'))
          ? 'PROCESSING_FAILED'
          : 'GRAY';
    return {
      record: {
        mail: { source: peer.mailFrom ?? '' },
        receipt: {
          spfVerdict: { status: verdict(result.spf === false || result.spf === undefined ? undefined : result.spf.status.result) },
          dkimVerdict: { status: dkimVerdict },
          dmarcVerdict: { status: verdict(result.dmarc === false ? undefined : result.dmarc.status.result) },
          // No spam or virus scanner here: "could not tell", which drops nothing.
          spamVerdict: { status: 'GRAY' },
          virusVerdict: { status: 'GRAY' },
        },
      },
      stored: Buffer.concat([Buffer.from(result.headers, 'utf8'), raw]),
    };
  };
}
