import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, EventBridgeEvent } from 'aws-lambda';

/** The events AWS itself hands CareLoop's functions, as the tests build them. */

export type SesFixture = 'bounce-permanent' | 'bounce-transient' | 'complaint' | 'delivery';

/** An email as SES was asked to send it: the message id it answered with, and the tags it was given. */
export interface SentEmail {
  messageId: string;
  tags: { Name?: string; Value?: string }[];
}

/**
 * SES's own event, as its configuration set's EventBridge destination delivers it, about mail to
 * `address`; about the fixture's email (tagged as a CareLoop confirmation), or about `email`: its
 * message id, and its tags where the fixture has CareLoop's (none, for an email sent without them).
 */
export function sesEvent(
  fixture: SesFixture,
  address: string,
  email?: SentEmail,
): EventBridgeEvent<string, Record<string, unknown>> {
  const text = readFileSync(new URL(`../fixtures/ses/${fixture}.json`, import.meta.url), 'utf8');
  const event = JSON.parse(text.replaceAll('recipient@example.com', address)) as EventBridgeEvent<
    string,
    Record<string, unknown> & { mail: { messageId: string; tags: Record<string, string[]> } }
  >;
  if (email) {
    const { mail } = event.detail;
    const sesOwnTags = Object.entries(mail.tags).filter(([name]) => !name.startsWith('careloop-'));
    mail.messageId = email.messageId;
    // SES reports each tag as a list of its values.
    mail.tags = Object.fromEntries([...sesOwnTags, ...email.tags.map(({ Name, Value }) => [Name!, [Value!]])]);
  }
  return event;
}

/** A function URL request, as Lambda hands it to the unsubscribe function. */
export function functionUrlRequest(
  method: 'GET' | 'POST',
  url: string,
  /** The POST's form (the answer pages'); a mail client's one-click POST when none is given. */
  form?: Record<string, string>,
): APIGatewayProxyEventV2 {
  const { pathname, searchParams } = new URL(url);
  const query = Object.fromEntries(searchParams);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: pathname,
    rawQueryString: searchParams.toString(),
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    headers: { 'accept-language': 'en', 'content-type': 'application/x-www-form-urlencoded' },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: 'local.lambda-url.eu-central-1.on.aws',
      domainPrefix: 'local',
      http: { method, path: pathname, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'mail-client' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '05/Nov/2027:10:00:00 +0000',
      timeEpoch: Date.parse('2027-11-05T10:00:00Z'),
    },
    ...(method === 'POST'
      ? { body: form ? new URLSearchParams(form).toString() : 'List-Unsubscribe=One-Click', isBase64Encoded: false }
      : { isBase64Encoded: false }),
  };
}
