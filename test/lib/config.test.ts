import { describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../lib/config.js';

describe('parseDeployConfig', () => {
  it('accepts a complete configuration and fills the defaults', () => {
    const config = parseDeployConfig({
      domain: 'uni.example',
      senderAddress: 'signoff@uni.example',
      stage: 'prod',
      alarmEmail: 'ops@uni.example',
    });
    expect(config).toMatchObject({ directoryFile: 'config/directory.json', logRetentionDays: 90, stage: 'prod' });
  });

  it('names every bad field', () => {
    expect(() => parseDeployConfig({ domain: 'Not A Domain', senderAddress: 'nobody', stage: 'staging' })).toThrowError(
      /signoff\.domain[\s\S]*signoff\.senderAddress[\s\S]*signoff\.stage[\s\S]*signoff\.alarmEmail/,
    );
  });

  it('refuses a sender outside the domain', () => {
    expect(() =>
      parseDeployConfig({ domain: 'uni.example', senderAddress: 'signoff@other.example', stage: 'dev', alarmEmail: 'ops@uni.example' }),
    ).toThrowError(/senderAddress: must be an address at uni.example/);
  });

  it('refuses a missing configuration', () => {
    expect(() => parseDeployConfig(undefined)).toThrowError(/context "signoff"/);
  });
});
