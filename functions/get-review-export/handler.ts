import { httpHandler } from '../api/http-handler.ts';
import { operation, periodOf } from '../api/operations.ts';
import { reviewExportQuery } from '../app/queries.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getReviewExport'), async ({ brand, query }) => {
  const period = periodOf(query.from, query.to);
  const { lines, cursor } = await reviewExportQuery(
    brand,
    { ...period, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    deps().repo,
  );
  const next = new URLSearchParams({ from: query.from, to: query.to, limit: String(query.limit) });
  if (cursor) next.set('cursor', cursor);
  return {
    status: 200,
    contentType: 'application/x-ndjson',
    // The next page, while more may follow (RFC 8288).
    headers: cursor ? { link: `</reviews/export?${next}>; rel="next"` } : ({} as Record<string, string>),
    body: Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join('')),
  };
});
