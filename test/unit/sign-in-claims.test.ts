import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/sign-in-claims/handler.ts';

/** Cognito's pre-token-generation event for a user with these attributes, as the hosted sign-in sends it. */
function signingIn(userAttributes: Record<string, string>): PreTokenGenerationTriggerEvent {
  return {
    version: '1',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'eu-central-1',
    userPoolId: 'eu-central-1_example',
    userName: 'someone',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'web' },
    request: { userAttributes, groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] } },
    response: { claimsOverrideDetails: {} },
  } as PreTokenGenerationTriggerEvent;
}

describe('the Cognito sign-in claims trigger', () => {
  it('puts the user’s brand and role into the ID token under the names the API reads', async () => {
    const event = await handler(
      signingIn({ sub: 'u-1', email: 'ada@acme.example', 'custom:tenant': 'acme', 'custom:role': 'depot' }),
    );
    expect(event.response.claimsOverrideDetails).toEqual({
      claimsToAddOrOverride: { tenant: 'acme', role: 'depot' },
      claimsToSuppress: ['custom:tenant', 'custom:role'],
    });
  });

  it('adds nothing for a user whose brand or role is not set, so the API refuses their token', async () => {
    const event = await handler(signingIn({ sub: 'u-2', 'custom:tenant': 'acme' }));
    expect(event.response.claimsOverrideDetails?.claimsToAddOrOverride).toBeUndefined();
  });
});
