import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';

// A DNS server on loopback for the verifying mail intake: it answers TXT queries for the names it is given (SPF,
// DKIM keys, DMARC policies) and NXDOMAIN for every other name, so a test decides exactly what the world's DNS says.

export interface TestDns {
  /** `127.0.0.1:port`, for SIGNOFF_DNS_SERVER. */
  readonly server: string;
  close(): Promise<void>;
}

/** Splits a TXT value into the 255-byte strings a TXT record holds. */
function txtStrings(value: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < value.length; at += 255) out.push(value.slice(at, at + 255));
  return out;
}

export async function startDns(txt: Readonly<Record<string, string>>): Promise<TestDns> {
  const records = new Map(Object.entries(txt).map(([name, value]) => [name.toLowerCase(), value]));
  const socket: Socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (question === undefined) return;
    const name = question.name.toLowerCase();
    const value = records.get(name);
    const known = value !== undefined || [...records.keys()].some((n) => n.endsWith(`.${name}`));
    const answers: dnsPacket.Answer[] =
      value !== undefined && question.type === 'TXT'
        ? [{ type: 'TXT', name: question.name, ttl: 60, class: 'IN', data: txtStrings(value) }]
        : [];
    const response = dnsPacket.encode({
      id: query.id ?? 0,
      type: 'response',
      // NXDOMAIN (rcode 3) for a name that does not exist; NOERROR with no answer for another type of a known one.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | (known ? 0 : 3),
      questions: [question],
      answers,
    });
    socket.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
