import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../local/net.js';

// The Host rule of the /_local/ pages (DNS rebinding): only this machine's loopback names, with or without a port.

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.0.0.1:3000', 'localhost', 'LocalHost:8080', '[::1]', '[::1]:3000'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'evil.example',
    'evil.example:3000',
    '127.0.0.1.evil.example',
    'localhost.',
    'localhost.evil.example:3000',
    '127.0.0.2',
    '[::1]x',
    '[::2]:3000',
    '127.0.0.1:',
    '127.0.0.1:30a0',
    '0.0.0.0:3000',
    'user@127.0.0.1',
  ])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
