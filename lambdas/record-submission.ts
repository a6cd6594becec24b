import { appendAudit } from './adapters/audit.js';
import { recordExecution } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import { recordSubmissionPayload } from './core/task-payloads.js';
import { taskHandler } from './shared/middleware.js';

// RecordSubmission: ties the stored submission to the execution that will carry it.
export const handler = taskHandler(recordSubmissionPayload, async ({ requestId, version, executionArn }) => {
  const request = await recordExecution(requestId, executionArn);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  await appendAudit(requestId, { type: 'workflow.started', actor: 'signoff', data: { executionArn, version } });
  return { kind: request.kind };
});
