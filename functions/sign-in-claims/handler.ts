import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';

/**
 * Cognito's pre-token-generation trigger for the user pool the stack creates when no issuer is given:
 * puts the user's brand and role (the admin-set custom attributes `custom:tenant` and `custom:role`)
 * into the ID token as the claims `tenant` and `role`, the names the API reads on every request. A user
 * without both gets neither, and the API refuses their token.
 */
export async function handler(
  event: PreTokenGenerationTriggerEvent,
): Promise<PreTokenGenerationTriggerEvent> {
  const attributes = event.request.userAttributes;
  const tenant = attributes['custom:tenant'];
  const role = attributes['custom:role'];
  event.response.claimsOverrideDetails = {
    ...(tenant && role ? { claimsToAddOrOverride: { tenant, role } } : {}),
    // The attributes' own names stay out of the token: one name for each fact.
    claimsToSuppress: ['custom:tenant', 'custom:role'],
  };
  return event;
}
