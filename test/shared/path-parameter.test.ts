import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { UriTooLongError } from '../../lambdas/core/errors.js';
import { pathParameter } from '../../lambdas/shared/middleware.js';

// Handlers read path parameters through one helper (issue #11): as given, never decoded again, and bounded by
// DynamoDB's 2,048-byte key limit with a 414 instead of a failed read.

const event = (pathParameters?: Record<string, string>) =>
  ({ pathParameters }) as Pick<APIGatewayProxyEventV2, 'pathParameters'> as APIGatewayProxyEventV2;

describe('pathParameter', () => {
  it('returns the parameter as given, without decoding it', () => {
    expect(pathParameter(event({ requestId: 'req_%E0%A4%A' }), 'requestId')).toBe('req_%E0%A4%A');
    expect(pathParameter(event(), 'requestId')).toBe('');
  });

  it('refuses a parameter over 2,048 bytes with a 414 error naming it', () => {
    expect(pathParameter(event({ linkId: 'é'.repeat(1_024) }), 'linkId')).toHaveLength(1_024);
    expect(() => pathParameter(event({ linkId: `${'é'.repeat(1_024)}x` }), 'linkId')).toThrow(
      new UriTooLongError('the path parameter linkId is 2049 bytes; the limit is 2048'),
    );
  });
});
