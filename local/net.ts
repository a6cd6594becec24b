import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on loopback (port 0 = any free port) and resolves with the bound port. */
export function listenLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a Host header names this machine's loopback: `127.0.0.1`, `localhost` or `[::1]`, with an optional port.
 * A page answered under any other name could be one a browser was led to by DNS rebinding (evil.example resolving
 * to 127.0.0.1), read by that site's scripts as same-origin.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const value = host.toLowerCase();
  const colon = value.lastIndexOf(':');
  // `[::1]` holds colons of its own: a port follows only a colon after the closing bracket.
  const hasPort = colon !== -1 && colon > value.lastIndexOf(']');
  const name = hasPort ? value.slice(0, colon) : value;
  const port = hasPort ? value.slice(colon + 1) : '';
  return LOOPBACK_NAMES.has(name) && (!hasPort || /^\d{1,5}$/.test(port));
}
