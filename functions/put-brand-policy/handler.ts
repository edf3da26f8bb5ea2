import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { asFieldErrors, brandMismatch, etagOf, savePolicy } from '../app/policies.ts';
import { crossFieldIssues } from '../domain/policy.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(
  operation('putBrandPolicy'),
  async ({ brand, actor, headers, body }) => {
    const { policies, now } = deps();
    const { saved, changed, created } = await savePolicy(policies, {
      brand,
      actor,
      document: body,
      ifMatch: headers['if-match'],
      ifNoneMatch: headers['if-none-match'],
      now,
    });
    const { policy: _policy, ...version } = saved;
    return {
      status: created ? 201 : 200,
      headers: { etag: etagOf(saved.version), location: '/brand/policy' },
      body: { ...version, changed },
    };
  },
  // A policy with wrong fields is also checked across its fields, and for its brand: every error at once.
  {
    moreErrors: async ({ brand }, body) => [
      ...asFieldErrors(crossFieldIssues(body)),
      ...brandMismatch(brand, body),
    ],
  },
);
