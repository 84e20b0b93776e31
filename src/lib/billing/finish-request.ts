// The common end of every billing route: the error mapping, the no-store and Server-Timing headers, the one log line.
import { describeError } from './describe-error';
import { asBillingError, toErrorResponse } from './errors';
import type { Logger, RequestContext } from './request-context';

/**
 * Ends a billing request: a thrown error becomes its JSON answer (its code the outcome, its cause kept for the log
 * only), every answer gets no-store and Server-Timing, and the one log line is written.
 */
export function finishRequest(
  ctx: RequestContext,
  log: Logger,
  line: { route: string; facts: Record<string, unknown>; outcome: string },
  result: { response: Response } | { error: unknown },
): Response {
  let { outcome } = line;
  let response: Response;
  if ('response' in result) {
    response = result.response;
  } else {
    const error = asBillingError(result.error);
    if (error.cause !== undefined) line.facts.cause = describeError(error.cause);
    outcome = error.code;
    response = toErrorResponse(error);
  }
  response.headers.set('Cache-Control', 'no-store');
  response.headers.set('Server-Timing', ctx.serverTiming());
  log({ route: line.route, requestId: ctx.requestId, status: response.status, outcome, timings: ctx.timings(), ...line.facts });
  return response;
}
