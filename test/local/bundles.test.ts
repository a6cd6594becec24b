import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundlePaths } from '../../local/functions.js';

// SIGNOFF_LOCAL_BUNDLES (issue #19): which bundle each function runs, read from the stateless template `cdk synth`
// wrote; a directory that is not one, or lacks a function, is refused naming what is missing.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function cdkOut(functions: Record<string, string>): string {
  const out = mkdtempSync(join(tmpdir(), 'signoff-bundles-'));
  dirs.push(out);
  const resources: Record<string, unknown> = { Role: { Type: 'AWS::IAM::Role', Metadata: { 'aws:cdk:path': 'SignoffStateless/Role' } } };
  for (const [construct, asset] of Object.entries(functions)) {
    mkdirSync(join(out, asset));
    writeFileSync(join(out, asset, 'index.mjs'), 'export const handler = async () => null;\n');
    resources[`${construct}ABC123`] = {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:cdk:path': `SignoffStateless/${construct}/Resource`, 'aws:asset:path': asset },
    };
  }
  writeFileSync(join(out, 'SignoffStateless.template.json'), JSON.stringify({ Resources: resources }));
  return out;
}

describe('bundlePaths', () => {
  it("finds each function's index.mjs by its construct path", () => {
    const out = cdkOut({ RecordSubmission: 'asset.aaa', RequestStatus: 'asset.bbb' });
    expect(bundlePaths(out, ['record-submission', 'request-status'])).toEqual(
      new Map([
        ['record-submission', join(out, 'asset.aaa', 'index.mjs')],
        ['request-status', join(out, 'asset.bbb', 'index.mjs')],
      ]),
    );
  });

  it('refuses a directory without the template, and a function without a bundle, naming it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'signoff-bundles-'));
    dirs.push(empty);
    expect(() => bundlePaths(empty, ['intake'])).toThrow(
      `SIGNOFF_LOCAL_BUNDLES=${empty}: no SignoffStateless.template.json there; run \`npx cdk synth --output ${empty}\` first`,
    );
    const out = cdkOut({ Intake: 'asset.ccc' });
    expect(() => bundlePaths(out, ['intake', 'review'])).toThrow(
      `SIGNOFF_LOCAL_BUNDLES=${out}: no bundle for the function review in SignoffStateless.template.json`,
    );
  });
});
