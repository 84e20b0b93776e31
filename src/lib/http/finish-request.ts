// The common end of every billing route: the error mapping, the no-store and Server-Timing headers, the one log line.
import { describeError } from './describe-error';
import { asBillingError, toErrorResponse, type BillingError } from './errors';
import type { Logger, RequestContext } from './request-context';

/**
 * Ends a billing request: a thrown error becomes its answer (JSON unless `errorResponse` says otherwise, e.g. a page
 * for a browser navigation; its code the outcome, its cause kept for the log only), every answer gets no-store and
 * Server-Timing, and the one log line is written (plus a loud one for a misconfiguration no retry fixes).
 */
export function finishRequest(
  ctx: RequestContext,
  log: Logger,
  line: { route: string; facts: Record<string, unknown>; outcome: string },
  result: { response: Response } | { error: unknown },
  errorResponse: (error: BillingError) => Response = toErrorResponse,
): Response {
  let { outcome } = line;
  let response: Response;
  if ('response' in result) {
    response = result.response;
  } else {
    const error = asBillingError(result.error);
    if (error.cause !== undefined) line.facts.cause = describeError(error.cause);
    outcome = error.code;
    if (error.setting !== undefined) {
      // Loud on purpose: an operator has to fix the named setting.
      log({ route: line.route, requestId: ctx.requestId, status: 500, outcome: 'SHOP_MISCONFIGURED', timings: {}, level: 'error', setting: error.setting, priceId: line.facts.priceId });
    }
    response = errorResponse(error);
  }
  response.headers.set('Cache-Control', 'no-store');
  response.headers.set('Server-Timing', ctx.serverTiming());
  log({ route: line.route, requestId: ctx.requestId, status: response.status, outcome, timings: ctx.timings(), ...line.facts });
  return response;
}
