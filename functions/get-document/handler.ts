import { httpHandler } from '../api/http-handler.ts';
import { operation } from '../api/operations.ts';
import { getCaseQuery } from '../app/queries.ts';
import { NotFoundError } from '../domain/errors.ts';
import { deps } from '../shared/deps.ts';

export const handler = httpHandler(operation('getDocument'), async ({ brand, actor, params }) => {
  const { repo } = deps();
  await getCaseQuery(brand, params.caseId, actor, repo);
  const document = await repo.getDocument(brand, params.caseId, params.documentId);
  if (!document) throw new NotFoundError(`document ${params.documentId} on case ${params.caseId}`);
  return {
    status: 200,
    headers: { 'content-disposition': `inline; filename="${document.documentId}.pdf"` },
    body: Buffer.from(document.data),
    contentType: document.contentType,
  };
});
