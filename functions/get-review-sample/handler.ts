import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { reviewSampleQuery, stratifiedSampleQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getReviewSample'), async ({ brand, query }) => ({
  status: 200,
  body:
    query.stratify === 'outcome'
      ? await stratifiedSampleQuery(brand, query.size, deps().repo)
      : { items: await reviewSampleQuery(brand, query.size, deps().repo) },
}));
