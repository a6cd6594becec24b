import { describe, expect, it } from 'vitest';
import { outboxPage, type OutboxMessage } from '../../local/outbox.js';

// /_local/outbox (issue #13): the latest messages, newest first, and how many there are in all.

const message = (n: number): OutboxMessage => ({
  id: `m${n}`,
  headers: {},
  from: 'signoff@example.org',
  to: ['grace@example.org'],
  subject: `Mail ${n}`,
  text: `Review: http://127.0.0.1:3000/approvals/${n}`,
  html: '',
  date: new Date(0).toISOString(),
});

describe('outboxPage', () => {
  it('shows the latest messages newest first, and says how many there are when it shows fewer', () => {
    const latest = [message(1198), message(1199)];

    const page = outboxPage(latest, 1200);

    expect(page.indexOf('Mail 1199')).toBeLessThan(page.indexOf('Mail 1198'));
    expect(page).toContain('1200 message(s); the latest 2 are shown here, newest first');
    expect(page).toContain('<a href="http://127.0.0.1:3000/approvals/1199">');
  });

  it('says only the count when it shows them all, and that there is no mail yet when there is none', () => {
    expect(outboxPage([message(0)], 1)).toContain('1 message(s), newest first.');
    expect(outboxPage([], 0)).toContain('<p>No mail yet.</p>');
  });
});
