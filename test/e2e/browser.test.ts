import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, reviewLink, samplePost } from './stack.js';

// The review page in a real browser: Debian's Chromium, headless, driven by playwright-core. An approver
// opens the link from the e-mail, reads the post, and approves — on a desktop and on a 390-px phone, by
// mouse and by keyboard. (`npm test` installs Chromium when it can: scripts/ensure-debian-tools.sh.)

const CHROMIUM = '/usr/bin/chromium';

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Debian's chromium at ${CHROMIUM}: sudo apt-get install chromium`);
  [stack, browser] = await Promise.all([
    Stack.start(),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-quic',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

/** WCAG 2 contrast ratio of two CSS colours as computed by the browser (`rgb(…)`). */
function contrast(foreground: string, background: string): number {
  const luminance = (css: string) => {
    const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(foreground), luminance(background)].sort((a, b) => b - a) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

async function assertAccessible(page: Page): Promise<void> {
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect(await page.locator('h1').count()).toBe(1);
  // Every control is labelled: the comment by its <label>, the buttons by their text.
  await expect(page.getByLabel('Comment (required to reject or request changes)').count()).resolves.toBe(1);
  for (const name of ['Approve', 'Request changes', 'Reject']) expect(await page.getByRole('button', { name }).count()).toBe(1);
  // Text and buttons meet WCAG AA contrast (4.5:1).
  // (Evaluated in the page; written as a string so the Node type-check needs no DOM types.)
  const pairs = (await page.evaluate(`[...document.querySelectorAll('p, li, button, label, h1, h2')].map((el) => {
    const style = getComputedStyle(el);
    let bg = style.backgroundColor;
    for (let node = el; node && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg); node = node.parentElement) bg = getComputedStyle(node).backgroundColor;
    return { fg: style.color, bg: /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg) ? 'rgb(255, 255, 255)' : bg };
  })`)) as Array<{ fg: string; bg: string }>;
  expect(pairs.length).toBeGreaterThan(10);
  for (const { fg, bg } of pairs) expect(contrast(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
}

describe('the review page in Chromium', () => {
  it('on a desktop: opens from the e-mail link, reads well, and Approve records the decision', async () => {
    const res = await stack.submit(samplePost({ title: 'Browser desktop' }));
    const { requestId } = (await res.json()) as { requestId: string };
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Browser desktop'));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

    await page.goto(link);
    await assertAccessible(page);
    expect(await page.getByRole('heading', { name: 'Browser desktop' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Approve' }).click();

    await page.getByText('your decision is recorded').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect((await stack.status(requestId)).stages[0]).toMatchObject({ status: 'approved', decidedBy: 'grace@example.org' });
    await page.close();
  });

  it('on a 390-px phone: no sideways scrolling, and the keyboard alone can approve', async () => {
    const res = await stack.submit(
      samplePost({
        title: 'Browser phone',
        text: 'A longer announcement with a long link that must wrap on a phone: https://example.org/a/very/long/path/that/goes/on/and/on/and/on/for/quite/a/while',
      }),
    );
    const { requestId } = (await res.json()) as { requestId: string };
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Browser phone'));
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();

    await page.goto(link);
    await assertAccessible(page);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    // Keyboard: Tab from the top reaches the comment box, then the Approve button; Enter presses it.
    for (let i = 0; i < 40 && (await page.evaluate('document.activeElement?.textContent')) !== 'Approve'; i++)
      await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Approve');
    await page.keyboard.press('Enter');

    await page.getByText('your decision is recorded').waitFor();
    expect((await stack.status(requestId)).stages[0]).toMatchObject({ status: 'approved', decidedBy: 'grace@example.org' });
    await context.close();
  });

  it('for comms on a phone: the statement is a labelled checkbox the keyboard ticks, and approving needs it', async () => {
    // Prepare: a post naming a third party reaches comms, who must state the reputational check
    const res = await stack.submit(
      samplePost({
        title: 'Browser statement',
        text: 'Thank you @AcmeDetectors for lending us a detector for the open day! https://acme-detectors.com/outreach',
      }),
    );
    const { requestId } = (await res.json()) as { requestId: string };
    const supervisor = await browser.newPage();
    await supervisor.goto(reviewLink(await stack.mailTo('grace@example.org', 'Browser statement')));
    await supervisor.getByRole('button', { name: 'Approve' }).click();
    await supervisor.getByText('your decision is recorded').waitFor();
    await supervisor.close();
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(reviewLink(await stack.mailTo('carl@example.org', 'Browser statement')));
    await assertAccessible(page);
    const statement = page.getByLabel(/P-ENDORSEMENT Reputational check done/);
    expect(await statement.count()).toBe(1);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    // Act: Approve without the statement
    await page.getByRole('button', { name: 'Approve' }).click();

    // Assess: refused with an alert naming it; nothing decided
    await page.getByRole('alert').getByText('To approve, make this statement').waitFor();
    expect((await stack.status(requestId)).stages[1]?.status).toBe('pending');

    // Act: the keyboard reaches the checkbox, Space ticks it; then Approve
    for (let i = 0; i < 60 && !(await page.evaluate("document.activeElement?.getAttribute('name') === 'statement'")); i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await statement.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Approve' }).click();

    // Assess
    await page.getByText('your decision is recorded').waitFor();
    expect((await stack.status(requestId)).stages[1]).toMatchObject({ status: 'approved', decidedBy: 'carl@example.org' });
    await context.close();
  });
});
