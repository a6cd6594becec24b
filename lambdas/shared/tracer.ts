import { Tracer } from '@aws-lambda-powertools/tracer';

// One X-Ray tracer per function (Lambda's active tracing, lib/signoff-function.ts). Its service name comes from
// POWERTOOLS_SERVICE_NAME; the local runtime sets POWERTOOLS_TRACE_ENABLED=false (bin/local.ts), and outside Lambda
// it is off anyway. The AWS SDK clients are traced where the adapters build them (`tracer.captureAWSv3Client`).
export const tracer = new Tracer();
