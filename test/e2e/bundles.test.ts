import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_DENIED_LINE, Stack, samplePost, waitFor } from './stack.js';

// The bundle pass's own check (vitest.config.ts, project `bundles`, issue #19): its stacks run the bundles `cdk synth`
// made, not the sources — so the other files of the pass prove the deployed code, not only the TypeScript.

/** The template as `cdk synth` wrote it, loosely: only what the edits below reach into. */
interface StatelessTemplate {
  Resources: Record<
    string,
    {
      Type: string;
      Properties?: {
        Environment?: { Variables?: Record<string, unknown> };
        PolicyDocument?: { Statement: Array<{ Action?: unknown }> };
        Roles?: unknown[];
      };
    }
  >;
}

/** The pass's bundles in a directory of their own, with the stateless template as `edit` leaves it (edited in place). */
function editedBundles(edit: (template: StatelessTemplate) => void): string {
  const bundles = process.env['SIGNOFF_LOCAL_BUNDLES'] ?? '';
  const out = mkdtempSync(join(tmpdir(), 'signoff-bundles-'));
  for (const entry of readdirSync(bundles))
    if (entry !== 'SignoffStateless.template.json') symlinkSync(join(bundles, entry), join(out, entry));
  const template = JSON.parse(readFileSync(join(bundles, 'SignoffStateless.template.json'), 'utf8')) as StatelessTemplate;
  edit(template);
  writeFileSync(join(out, 'SignoffStateless.template.json'), JSON.stringify(template));
  return out;
}

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

describe('the bundle pass', () => {
  it('runs every function from its deployed bundle, each in its own sandbox', () => {
    const bundles = process.env['SIGNOFF_LOCAL_BUNDLES'];
    expect(bundles, 'SIGNOFF_LOCAL_BUNDLES is set by the bundles project').toBeDefined();
    expect(stack.output).toContain(`Functions        the deployed bundles in ${bundles} (SIGNOFF_LOCAL_BUNDLES)`);
  });

  it('says each function came from its bundle and how long its cold and warm invocations took', async () => {
    // Act: a post reaches its supervisor (intake, then the workflow's first tasks)
    const res = await stack.submit(samplePost({ title: 'Bundled' }));
    expect(res.status).toBe(202);
    await stack.mailTo('grace@example.org', 'Bundled');
    // Counted when an invocation ends: the ask whose mail just arrived may still be marking it sent.
    const figures = await waitFor('the ask to end', async () => {
      const body = (await (await fetch(`${stack.baseUrl}/_local/functions.json`)).json()) as {
        origin: string;
        functions: Array<{ name: string; loadMs: number | null; invocations: number; firstMs: number | null }>;
      };
      return body.functions.some((f) => f.name === 'request-approval' && f.invocations > 0) ? body : undefined;
    });

    // Assess
    expect(figures.origin).toBe(process.env['SIGNOFF_LOCAL_BUNDLES']);
    const byName = new Map(figures.functions.map((f) => [f.name, f]));
    for (const name of ['intake', 'record-submission', 'run-checks', 'request-approval']) {
      expect(byName.get(name)?.invocations, name).toBeGreaterThan(0);
      expect(byName.get(name)?.firstMs, name).toEqual(expect.any(Number));
    }
    // Each sandbox starts on its function's first invocation (its cold start), and not before.
    for (const name of ['intake', 'record-submission', 'request-approval'])
      expect(byName.get(name)?.loadMs, name).toEqual(expect.any(Number));
    for (const name of ['media', 'accounts', 'versions', 'withdraw', 'audit-export']) expect(byName.get(name)?.loadMs, name).toBeNull();
  });

  it('gives each function only what its template gives it: intake without STATE_MACHINE_ARN fails, naming it', async () => {
    // Prepare: the same bundles, with intake's template missing the variable that names the state machine (which
    // the process around it has, for the functions whose template gives it)
    const out = editedBundles((template) => {
      const intake = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('Intake'));
      const variables = intake?.[1].Properties?.Environment?.Variables ?? {};
      expect(variables['STATE_MACHINE_ARN']).toBeDefined();
      delete variables['STATE_MACHINE_ARN'];
    });
    const broken = await Stack.start({ SIGNOFF_LOCAL_BUNDLES: out });

    // Act
    try {
      const res = await broken.submit(samplePost({ title: 'No machine' }));

      // Assess
      expect(res.status).toBeGreaterThanOrEqual(500);
      await waitFor('the error in the log', async () =>
        broken.output.includes('environment variable STATE_MACHINE_ARN is not set') ? true : undefined,
      );
    } finally {
      await broken.dispose();
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.each([
    { grant: 'states:StartExecution', resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:signoff-approval' },
    { grant: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:WebhookSecret-local' },
  ])(
    "judges each function's calls by its role's synthesised policy: intake without its $grant grant is refused, as AWS would",
    async ({ grant, resource }) => {
      // Prepare: the same bundles, with the statement that grants it removed from intake's role's policy
      let removed = 0;
      const out = editedBundles((template) => {
        for (const [id, r] of Object.entries(template.Resources)) {
          const document = r.Properties?.PolicyDocument;
          if (r.Type !== 'AWS::IAM::Policy' || !id.startsWith('IntakeServiceRole') || document === undefined) continue;
          const kept = document.Statement.filter((statement) => ![statement.Action].flat().includes(grant));
          removed += document.Statement.length - kept.length;
          document.Statement = kept;
        }
      });
      expect(removed).toBe(1);
      const broken = await Stack.start({ SIGNOFF_LOCAL_BUNDLES: out });
      broken.expectAccessDenied('intake', grant);

      // Act
      try {
        const res = await broken.submit(samplePost({ title: 'No grant' }));

        // Assess: refused with AWS's error, naming the function's role session, the action and the resource
        expect(res.status).toBeGreaterThanOrEqual(500);
        const line = await waitFor('the refusal in the log', async () =>
          broken.output.split('\n').find((l) => l.startsWith(`${ACCESS_DENIED_LINE}signoff-intake: `)),
        );
        expect(line).toMatch(
          /User: arn:aws:sts::000000000000:assumed-role\/SignoffStateless-IntakeServiceRole[0-9A-F]{8}\/signoff-intake is not authorized/,
        );
        expect(line).toContain(
          `is not authorized to perform: ${grant} on resource: ${resource} because no identity-based policy allows the ${grant} action`,
        );
        // The function met it as the SDK raises it: an AccessDeniedException, by name.
        await waitFor('the function to log the error by name', async () =>
          broken.output.includes('AccessDeniedException') ? true : undefined,
        );
        const figures = (await (await fetch(`${broken.baseUrl}/_local/functions.json`)).json()) as {
          accessDenied: Array<{ principal: string; action: string; resource: string }>;
        };
        expect(figures.accessDenied).toEqual([expect.objectContaining({ principal: 'signoff-intake', action: grant, resource })]);
      } finally {
        await broken.dispose();
        rmSync(out, { recursive: true, force: true });
      }
    },
  );

  it('lists no call refused by IAM on the stack the pass runs', async () => {
    const figures = (await (await fetch(`${stack.baseUrl}/_local/functions.json`)).json()) as { accessDenied: unknown[] };
    expect(figures.accessDenied).toEqual([]);
    expect(stack.output).toContain("or with a function's own, judged by its role's synthesised policy");
  });
});
