import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, decide, reviewLink, samplePost } from './stack.js';

// What GOVERNANCE.md §4–§5 asks of the approvers themselves, on the running local stack: a statement the checks
// ask of the communications approver (P-ENDORSEMENT's reputational check, P-POLITICAL's explicit clearance) is
// made on the review page with the decision and audited; comms may override the publication classification with a
// reason, which is audited and changes the route.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

/** Submits the review page's form as a browser would, with the fields given (CSRF from the page). */
async function post(link: string, fields: ReadonlyArray<[string, string]>): Promise<{ status: number; html: string }> {
  const page = await (await fetch(link)).text();
  const csrf = /name="csrf" value="([^"]*)"/.exec(page)?.[1] ?? '';
  const body = new URLSearchParams([['csrf', csrf] as [string, string], ...fields]);
  const res = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  return { status: res.status, html: await res.text() };
}

async function submitted(overrides: Record<string, unknown>): Promise<string> {
  const res = await stack.submit(samplePost(overrides));
  expect(res.status).toBe(202);
  return ((await res.json()) as { requestId: string }).requestId;
}

describe('statements asked of the communications approver', () => {
  it('needs the reputational check stated to approve a post naming a third party, and audits it', async () => {
    // Prepare: a post thanking a company, which P-ENDORSEMENT asks comms to check
    const requestId = await submitted({
      title: 'Thanks to a sponsor',
      text: 'Thank you @AcmeDetectors for lending us a cosmic-ray detector for the open day! https://acme-detectors.com/outreach',
    });
    const supervisor = await stack.mailTo('grace@example.org', 'Thanks to a sponsor');
    expect((await decide(reviewLink(supervisor), 'approve')).status).toBe(200);
    const comms = await stack.mailTo('carl@example.org', 'Thanks to a sponsor');
    expect(comms.text).toContain('To approve, you will be asked to state:');
    expect(comms.text).toContain('[P-ENDORSEMENT] Reputational check done');
    const link = reviewLink(comms);
    const page = await (await fetch(link)).text();
    expect(page).toMatch(/<input type="checkbox" id="statement-0" name="statement" value="P-ENDORSEMENT">/);

    // Act: approve without the statement
    const without = await post(link, [['decision', 'approve']]);

    // Assess: refused, nothing decided
    expect(without.status).toBe(400);
    expect(without.html).toContain('To approve, make this statement');
    expect((await stack.status(requestId)).stages[1]?.status).toBe('pending');

    // Act: approve with it
    const withIt = await post(link, [
      ['statement', 'P-ENDORSEMENT'],
      ['decision', 'approve'],
    ]);

    // Assess: approved; the statement is on the stage and in the audited decision
    expect(withIt.status).toBe(200);
    const final = await stack.waitForStatus(requestId, 'approved');
    const stage = final.stages[1] as unknown as { statements: Array<{ rule: string; statement: string }> };
    expect(stage.statements.map((s) => s.rule)).toEqual(['P-ENDORSEMENT']);
    const audit = await stack.audit(requestId);
    const decision = audit.events.filter((e) => e.type === 'decision.recorded').at(-1);
    expect(decision?.data['statements']).toEqual([
      { rule: 'P-ENDORSEMENT', statement: expect.stringContaining('Reputational check done') as unknown },
    ]);
    expect(audit.verification.ok).toBe(true);
  });

  it('asks nothing of an approver who requests changes', async () => {
    const requestId = await submitted({
      title: 'Vote post',
      text: 'Please vote for Smith in Sunday’s election! Our lab supports the Green Party programme for science. https://example.org/vote',
    });
    await decide(reviewLink(await stack.mailTo('grace@example.org', 'Vote post')), 'approve');
    const comms = await stack.mailTo('carl@example.org', 'Vote post');
    expect(comms.text).toContain('[P-POLITICAL]');
    const res = await post(reviewLink(comms), [
      ['decision', 'request-changes'],
      ['comment', 'We take no political positions; please rewrite.'],
    ]);
    expect(res.status).toBe(200);
    await stack.waitForStatus(requestId, 'changes-requested');
  });
});

describe('overriding the publication classification', () => {
  it('adds the ethics stage when comms classifies a short post as a publication, with the reason audited', async () => {
    // Prepare: a short post with a link — not a publication for the classifier
    const requestId = await submitted({ title: 'Reclassified post' });
    expect((await stack.waitForStatus(requestId, 'awaiting-approval')).publication?.is).toBe(false);
    await decide(reviewLink(await stack.mailTo('grace@example.org', 'Reclassified post')), 'approve');
    const link = reviewLink(await stack.mailTo('carl@example.org', 'Reclassified post'));
    expect(await (await fetch(link)).text()).toContain('Override the classification');

    // Act: without a reason, then with one
    const noReason = await post(link, [
      ['action', 'classify'],
      ['publication', 'yes'],
      ['reason', ' '],
    ]);
    const overridden = await post(link, [
      ['action', 'classify'],
      ['publication', 'yes'],
      ['reason', 'It announces our position on open access: the ethics service must see it.'],
    ]);

    // Assess: the route gained the ethics stage; the override is on the request and in the audit
    expect(noReason.status).toBe(400);
    expect(overridden.status).toBe(200);
    expect(overridden.html).toContain('Classified as a publication');
    const status = await stack.status(requestId);
    expect(status.stages.map((s) => s.stage)).toEqual(['supervisor', 'comms', 'ethics']);
    expect(status.publication).toMatchObject({
      is: true,
      override: { by: 'carl@example.org', reason: 'It announces our position on open access: the ethics service must see it.', was: false },
    });
    const audit = await stack.audit(requestId);
    const event = audit.events.find((e) => e.type === 'publication.overridden');
    expect(event).toMatchObject({
      actor: 'carl@example.org',
      data: { from: false, to: true, reason: 'It announces our position on open access: the ethics service must see it.' },
    });

    // Act: comms approves; then the ethics stage runs
    expect((await decide(link, 'approve')).status).toBe(200);
    const ethics = await stack.mailTo('eve@example.org', 'Reclassified post');
    expect(ethics.subject).toContain('Ethics');
    expect((await decide(reviewLink(ethics), 'approve')).status).toBe(200);

    // Assess
    const final = await stack.waitForStatus(requestId, 'approved');
    expect(final.stages.map((s) => [s.stage, s.status])).toEqual([
      ['supervisor', 'approved'],
      ['comms', 'approved'],
      ['ethics', 'approved'],
    ]);
  });

  it('is not offered to the supervisor', async () => {
    await submitted({ title: 'Supervisor cannot override' });
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Supervisor cannot override'));
    expect(await (await fetch(link)).text()).not.toContain('Override the classification');
    const attempt = await post(link, [
      ['action', 'classify'],
      ['publication', 'yes'],
      ['reason', 'trying'],
    ]);
    expect(attempt.status).toBe(403);
  });
});
