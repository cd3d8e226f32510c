import middy from '@middy/core';
import { injectLambdaContext } from '../../shared/adapters/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Needs } from '../../shared/domain/ports';
import { onUnsubscribe } from '../../shared/domain/unsubscribe';
import { logger, runtime } from '../../shared/runtime/runtime';
import { loadedEarly, signedUnsubscribeLinks } from '../../shared/runtime/wiring';
import { pageLanguage, renderUnsubscribePage, type UnsubscribePage } from '../../shared/unsubscribe/pages';

/**
 * The one-click unsubscribe endpoint (RFC 8058), served by a Lambda function URL. The link
 * in follow-ups and check-ins is `<base>/<token>`: GET shows a confirmation page (so that a
 * link scanner opening it changes nothing), POST unsubscribes, whether a mail client sends
 * `List-Unsubscribe=One-Click` or the patient presses the page's button.
 */

export interface UnsubscribeRequest {
  method: string;
  /** The request path; its last segment is the token unless the query names one. */
  path: string;
  query?: Record<string, string | undefined>;
  acceptLanguage?: string;
  /** The POST body, decoded; only read to tell a mail client's one-click POST from the page's button. */
  body?: string;
}

export interface UnsubscribeResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface UnsubscribeRequestOptions {
  /** Told about a failure of the key or the store; the request is answered 503. */
  onError?: (error: unknown) => void;
}

const ALLOW = 'GET, HEAD, POST';

const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex, nofollow',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

const ONE_CLICK = /(?:^|&)List-Unsubscribe=One-Click(?:&|$)/;

function tokenOf(request: UnsubscribeRequest): string {
  const fromQuery = request.query?.token;
  if (fromQuery) return fromQuery.trim();
  const segment = request.path.split('/').filter(Boolean).pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Answers one request to the endpoint. Free of Lambda types, so the local stack serves the
 * same behaviour from its own HTTP server. Logs ids and outcomes only.
 */
export async function handleUnsubscribeRequest(
  deps: Needs<'unsubscribeLinks'>,
  request: UnsubscribeRequest,
  options: UnsubscribeRequestOptions = {},
): Promise<UnsubscribeResponse> {
  const method = request.method.toUpperCase();
  const language = pageLanguage({ lang: request.query?.lang, acceptLanguage: request.acceptLanguage });
  let clinicName: string | undefined;
  const respond = (statusCode: number, page: UnsubscribePage, extra: Record<string, string> = {}) => ({
    statusCode,
    headers: { ...PAGE_HEADERS, ...extra },
    body: method === 'HEAD' ? '' : renderUnsubscribePage(page, language, clinicName ? { clinicName } : {}),
  });

  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    return respond(405, 'invalid', { Allow: ALLOW });
  }
  try {
    const subject = await deps.unsubscribeLinks.verify(tokenOf(request));
    if (!subject) {
      deps.log('unsubscribe link invalid', { method });
      return respond(400, 'invalid');
    }
    // The page speaks for the clinic the link came from, as its profile is now.
    clinicName = (await deps.store.getClinicProfile(subject.clinicId))?.record.name;
    if (method !== 'POST') return respond(200, 'confirm');
    const outcome = await onUnsubscribe(deps, subject);
    deps.log('unsubscribe link used', {
      outcome,
      clinicId: subject.clinicId,
      patientId: subject.patientId,
      via: ONE_CLICK.test((request.body ?? '').slice(0, 1024)) ? 'one-click' : 'page',
    });
    return respond(200, 'done');
  } catch (error) {
    if (options.onError) options.onError(error);
    else deps.log('unsubscribe request failed', { method, error: error instanceof Error ? error.name : 'unknown' });
    return respond(503, 'unavailable', { 'Retry-After': '60' });
  }
}

function bodyOf(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

// Every request verifies a link.
export const wiring = { unsubscribeLinks: loadedEarly(signedUnsubscribeLinks) };

const handle = async (event: APIGatewayProxyEventV2, _context: Context): Promise<UnsubscribeResponse> =>
  handleUnsubscribeRequest(
    runtime(wiring).dependencies,
    {
      method: event.requestContext.http.method,
      path: event.rawPath,
      query: event.queryStringParameters,
      acceptLanguage: event.headers?.['accept-language'],
      body: bodyOf(event),
    },
    { onError: (error) => logger.error('unsubscribe request failed', error instanceof Error ? error : String(error)) },
  );

export const handler = middy(handle).use(injectLambdaContext(logger));
