import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../lambdas/core/errors.js';
import { readAccount, readAccounts } from '../../lambdas/use-cases/read-accounts.js';
import { requestAudit, requestStatus } from '../../lambdas/use-cases/read-request.js';
import { brandPost, directory, memoryPorts } from './memory-ports.js';

// The bearer-token reads (lambdas/use-cases/read-request.ts, read-accounts.ts) over in-memory ports.

describe('requestStatus and requestAudit', () => {
  it("show a request's stages and its verified audit chain; an unknown request is not found", async () => {
    // Prepare
    const ports = memoryPorts();
    ports.requests.put(brandPost());
    await ports.audit.appendAudit('req_memory', {
      type: 'workflow.started',
      actor: 'signoff',
      data: { executionArn: 'arn:exec:1', version: 1 },
    });

    // Act
    const status = await requestStatus('req_memory', ports);
    const audit = await requestAudit('req_memory', ports);

    // Assess
    expect(status).toMatchObject({
      requestId: 'req_memory',
      status: 'awaiting-approval',
      stages: [{ stage: 'supervisor', assignees: ['grace@example.org'], decision: null }, { stage: 'comms' }],
    });
    expect(status).not.toHaveProperty('registration');
    expect(audit.events).toHaveLength(1);
    expect(audit.verification).toMatchObject({ ok: true });
    await expect(requestStatus('req_nobody', ports)).rejects.toBeInstanceOf(NotFoundError);
    await expect(requestAudit('req_nobody', ports)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('readAccounts', () => {
  it('filters the registry and resolves people through the directory', async () => {
    // Prepare
    const ports = { ...memoryPorts(), directory };

    // Act
    const physics = await readAccounts({ unit: 'physics', status: 'active' }, ports);
    const one = await readAccount('physics-x', ports);

    // Assess
    expect(physics.accounts.length).toBeGreaterThan(0);
    expect(physics.accounts.every((a) => a.unit === 'physics' && a.unitName === 'Physics Department')).toBe(true);
    expect(one.admins[0]).toEqual({ id: 'ada', name: directory.personById('ada')?.name, email: 'ada@example.org' });
    await expect(readAccount('nowhere', ports)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('names every unknown filter and value at once', async () => {
    // Prepare
    const ports = { ...memoryPorts(), directory };

    // Act
    const read = readAccounts({ unit: 'astrology', platform: 'myspace', colour: 'blue' }, ports);

    // Assess
    await expect(read).rejects.toBeInstanceOf(ValidationError);
    await expect(read).rejects.toMatchObject({
      problems: [expect.stringContaining('unit'), expect.stringContaining('platform'), expect.stringContaining('colour')],
    });
  });
});
