import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  KnownIssue,
  type KnownIssueStore,
  reportsToForget,
  type Signal,
  signalKey,
} from '../domain/known-issues.ts';
import { dynamo, requiredEnv } from './aws-clients.ts';

/**
 * Known issues in fairfix's table, tenant-prefixed like every key:
 * - one item per signal (brand, model, firmware, symptom or fault): `pk = T#<brand>#KI-SIGNAL#<key>`,
 *   `sk = REPORTS`, with one attribute per recently reporting case (`r#<caseId>` = when) and the issue
 *   covering it. A report is one UpdateItem that sets the case's attribute only if absent, so a retried
 *   request counts once, and answers the whole item: the count is read from the write, never from a
 *   scan. Reports counting needs no more are let go now and then (a second write), so the item stays
 *   small however many devices report.
 * - the brand's issues in one partition: `pk = T#<brand>#KNOWN-ISSUES`, `sk = KI#<issueId>`;
 * - the cases an issue reached, in its own partition: `pk = T#<brand>#KI-CASES#<issueId>`, `sk = C#<caseId>`.
 */
const REPORT = 'r#';
/** Let go of reports once this many more than counting keeps have gathered: one extra write in this many. */
const SLACK = 16;
const keys = {
  signal: (brand: string, signal: Signal) => ({
    pk: `T#${brand}#KI-SIGNAL#${signalKey(signal)}`,
    sk: 'REPORTS',
  }),
  issues: (brand: string) => `T#${brand}#KNOWN-ISSUES`,
  issue: (brand: string, issueId: string) => ({ pk: `T#${brand}#KNOWN-ISSUES`, sk: `KI#${issueId}` }),
  cases: (brand: string, issueId: string) => `T#${brand}#KI-CASES#${issueId}`,
};

const reportsOf = (item: Record<string, unknown> | undefined) =>
  Object.fromEntries(
    Object.entries(item ?? {})
      .filter(([name]) => name.startsWith(REPORT))
      .map(([name, at]) => [name.slice(REPORT.length), String(at)]),
  );

export class DynamoKnownIssueStore implements KnownIssueStore {
  constructor(private readonly tableName = requiredEnv('TABLE_NAME')) {}

  async report(
    brand: string,
    signal: Signal,
    report: { caseId: string; at: string },
    bounds: { windowDays: number; keep: number; now: Date },
  ) {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.signal(brand, signal),
        UpdateExpression: 'SET #report = if_not_exists(#report, :at)',
        ExpressionAttributeNames: { '#report': `${REPORT}${report.caseId}` },
        ExpressionAttributeValues: { ':at': report.at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const issueId = typeof Attributes?.issueId === 'string' ? Attributes.issueId : undefined;
    const reports = reportsOf(Attributes);
    const forget = Object.keys(reports).length > bounds.keep + SLACK ? reportsToForget(reports, bounds) : [];
    if (forget.length > 0) {
      // Removing an attribute another writer removed too is no error: letting go is idempotent.
      await dynamo.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.signal(brand, signal),
          UpdateExpression: `REMOVE ${forget.map((_, i) => `#f${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(
            forget.map((caseId, i) => [`#f${i}`, `${REPORT}${caseId}`]),
          ),
        }),
      );
      for (const caseId of forget) delete reports[caseId];
    }
    return { reports, ...(issueId ? { issueId } : {}) };
  }

  async covering(brand: string, signal: Signal) {
    const { Item } = await dynamo.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.signal(brand, signal),
        ProjectionExpression: 'issueId',
        ConsistentRead: true,
      }),
    );
    return typeof Item?.issueId === 'string' ? Item.issueId : undefined;
  }

  async cover(brand: string, signals: readonly Signal[], issueId: string) {
    const covered = await Promise.all(
      signals.map((signal) =>
        dynamo.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.signal(brand, signal),
            UpdateExpression: 'SET issueId = :issue',
            ExpressionAttributeValues: { ':issue': issueId },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      ),
    );
    return [...new Set(covered.flatMap(({ Attributes }) => Object.keys(reportsOf(Attributes))))];
  }

  async reached(brand: string, issueId: string, caseId: string) {
    await dynamo.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.cases(brand, issueId), sk: `C#${caseId}`, caseId },
      }),
    );
  }

  async casesOf(brand: string, issueId: string) {
    const caseIds: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.cases(brand, issueId) },
          ProjectionExpression: 'caseId',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      caseIds.push(...(page.Items ?? []).map((item) => String(item.caseId)));
      start = page.LastEvaluatedKey;
    } while (start);
    return caseIds;
  }

  async open(issue: KnownIssue) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.issue(issue.brand, issue.issueId), ...issue },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return issue;
    } catch (error) {
      // Two reports crossed the threshold together: the first one's issue stands.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = await this.get(issue.brand, issue.issueId);
      if (!stored) throw error;
      return stored;
    }
  }

  async get(brand: string, issueId: string) {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: this.tableName, Key: keys.issue(brand, issueId), ConsistentRead: true }),
    );
    return Item ? KnownIssue.parse(Item) : undefined;
  }

  async list(brand: string) {
    const { Items = [] } = await dynamo.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ki)',
        ExpressionAttributeValues: { ':pk': keys.issues(brand), ':ki': 'KI#' },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => KnownIssue.parse(item));
  }

  async save(issue: KnownIssue, before: KnownIssue) {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.issue(issue.brand, issue.issueId), ...issue },
          ConditionExpression: 'size(decisions) = :before',
          ExpressionAttributeValues: { ':before': before.decisions.length },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
