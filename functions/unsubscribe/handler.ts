import middy from '@middy/core';
import { injectLambdaContext } from '../../shared/adapters/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { DomainLog, Needs } from '../../shared/domain/ports';
import { onUnsubscribe } from '../../shared/domain/unsubscribe';
import { CHOICE_PARAMETER } from '../../shared/patient-pages/links';
import { configuredSelfCareLibrary } from '../../shared/runtime/self-care-source';
import { logger, runtime } from '../../shared/runtime/runtime';
import { loadedEarly, signedUnsubscribeLinks } from '../../shared/runtime/wiring';
import { pageLanguage, renderUnsubscribePage, type UnsubscribePage } from '../../shared/unsubscribe/pages';

/**
 * The patient pages, served by a Lambda function URL: one-click unsubscribe (RFC 8058) and the
 * answer pages (contract 1.1). A link is `<base>/<token>`, the token signed for what it opens.
 * GET shows a page, so that a link scanner opening it changes nothing; POST acts: unsubscribes
 * (a mail client's `List-Unsubscribe=One-Click` or the page's button) or records the answer the
 * page's form sent. The function keeps the name it had when it served unsubscribing only: its URL,
 * which every link already sent points at, is the function's.
 */

export interface UnsubscribeRequest {
  method: string;
  /** The request path; its last segment is the token unless the query names one. */
  path: string;
  query?: Record<string, string | undefined>;
  acceptLanguage?: string;
  /** The POST body, decoded: the answer page's form, or a mail client's one-click POST. */
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
  /**
   * Where the request's one outcome line goes (the page served, the unsubscribe done): the
   * Lambda's INFO log. The use cases' own lines stay in `deps.log`, the detail under it.
   */
  logOutcome?: DomainLog;
}

const ALLOW = 'GET, HEAD, POST';

/**
 * The answer pages (their use case, the check-in form, the page renderer) in a chunk of their own:
 * an unsubscribe's cold start compiles none of it, an answer's loads it as it would have imported it.
 */
const answerPages = async () => {
  const [{ answerPage }, { renderPatientPage }] = await Promise.all([
    import('../../shared/domain/answer-pages'),
    import('../../shared/patient-pages/pages'),
  ]);
  return { answerPage, renderPatientPage };
};

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

/** Bounds the form read from a POST: the check-in form with fifty exercises is far smaller. */
const MAX_FORM_LENGTH = 16 * 1024;

/**
 * Answers one request to the endpoint. Free of Lambda types, so the local stack serves the
 * same behaviour from its own HTTP server. Logs ids and outcomes only: never an answer.
 */
export async function handleUnsubscribeRequest(
  deps: Needs<'unsubscribeLinks' | 'library'>,
  request: UnsubscribeRequest,
  options: UnsubscribeRequestOptions = {},
): Promise<UnsubscribeResponse> {
  const method = request.method.toUpperCase();
  const logOutcome = options.logOutcome ?? deps.log;
  const requested = pageLanguage({ lang: request.query?.lang, acceptLanguage: request.acceptLanguage });
  const headers = (extra: Record<string, string> = {}) => ({ ...PAGE_HEADERS, ...extra });
  const answer = (statusCode: number, body: string, extra: Record<string, string> = {}) => ({
    statusCode,
    headers: headers(extra),
    body: method === 'HEAD' ? '' : body,
  });
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    const { renderPatientPage } = await answerPages();
    return answer(405, renderPatientPage({ page: 'invalid' }, requested), { Allow: ALLOW });
  }
  let purpose = 'unknown';
  try {
    const subject = await deps.unsubscribeLinks.verify(tokenOf(request));
    if (!subject) {
      logOutcome('patient link invalid', { method });
      const { renderPatientPage } = await answerPages();
      return answer(400, renderPatientPage({ page: 'invalid' }, requested));
    }
    purpose = subject.purpose;
    if (subject.purpose === 'unsubscribe') {
      return await unsubscribePage(deps, subject, request, method, answer, logOutcome);
    }
    const { answerPage, renderPatientPage } = await answerPages();
    const form = method === 'POST' ? new URLSearchParams((request.body ?? '').slice(0, MAX_FORM_LENGTH)) : undefined;
    const result = await answerPage(deps, subject, {
      method: method === 'POST' ? 'POST' : 'GET',
      ...(form && { form }),
      ...(request.query?.[CHOICE_PARAMETER] !== undefined && { choice: request.query[CHOICE_PARAMETER] }),
    });
    logOutcome('answer page', {
      purpose,
      method,
      status: result.status,
      page: result.model.page,
      clinicId: subject.clinicId,
      bookingId: subject.bookingId,
    });
    return answer(result.status, renderPatientPage(result.model, result.language ?? requested));
  } catch (error) {
    if (options.onError) options.onError(error);
    else logOutcome('patient page failed', { method, purpose, error: error instanceof Error ? error.name : 'unknown' });
    const unavailable =
      purpose === 'unsubscribe'
        ? renderUnsubscribePage('unavailable', requested)
        : (await answerPages()).renderPatientPage({ page: 'unavailable' }, requested);
    return answer(503, unavailable, { 'Retry-After': '60' });
  }
}

/** The one-click unsubscribe: GET shows the confirmation, POST (the page's button or a mail client's one-click) unsubscribes. */
async function unsubscribePage(
  deps: Needs,
  subject: { clinicId: string; patientId: string },
  request: UnsubscribeRequest,
  method: string,
  answer: (statusCode: number, body: string) => UnsubscribeResponse,
  logOutcome: DomainLog,
): Promise<UnsubscribeResponse> {
  const language = pageLanguage({ lang: request.query?.lang, acceptLanguage: request.acceptLanguage });
  // The page speaks for the clinic the link came from, as its profile is now.
  const clinicName = (await deps.store.getClinicProfile(subject.clinicId))?.record.name;
  const page = (kind: UnsubscribePage) => renderUnsubscribePage(kind, language, clinicName ? { clinicName } : {});
  if (method !== 'POST') return answer(200, page('confirm'));
  const outcome = await onUnsubscribe(deps, subject);
  logOutcome('unsubscribe link used', {
    outcome,
    clinicId: subject.clinicId,
    patientId: subject.patientId,
    via: ONE_CLICK.test((request.body ?? '').slice(0, 1024)) ? 'one-click' : 'page',
  });
  return answer(200, page('done'));
}

function bodyOf(event: APIGatewayProxyEventV2): string | undefined {
  if (event.body === undefined) return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

// Every request verifies a link; the self-care library names a check-in's exercises and warning signs.
export const wiring = { unsubscribeLinks: loadedEarly(signedUnsubscribeLinks), library: configuredSelfCareLibrary };

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
    {
      onError: (error) => logger.error('patient page failed', error instanceof Error ? error : String(error)),
      logOutcome: (message, fields) => logger.info(message, fields),
    },
  );

export const handler = middy(handle).use(injectLambdaContext(logger));
