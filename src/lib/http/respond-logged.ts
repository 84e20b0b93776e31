// The frame shared by the webhook and reconciliation cores: run the work, turn a thrown error into its documented
// answer (cause kept for the log only), mark the response uncacheable, and write the route's one log line.
import { asBillingError, toErrorResponse } from './errors';
import { describeError } from './describe-error';
import { RequestContext, type Logger } from './request-context';

export type LoggedWork = (facts: Record<string, unknown>) => Promise<{ response: Response; outcome: string }>;

export async function respondLogged(request: Request, route: string, log: Logger, work: LoggedWork): Promise<Response> {
  const ctx = new RequestContext(request);
  const facts: Record<string, unknown> = {};
  let outcome: string;
  let response: Response;
  try {
    ({ response, outcome } = await work(facts));
  } catch (err) {
    const error = asBillingError(err);
    outcome = error.code;
    if (error.cause !== undefined) facts.cause = describeError(error.cause);
    response = toErrorResponse(error);
  }
  response.headers.set('Cache-Control', 'no-store');
  log({ route, requestId: ctx.requestId, status: response.status, outcome, timings: ctx.timings(), ...facts });
  return response;
}
