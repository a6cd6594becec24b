import { Logger } from '@aws-lambda-powertools/logger';

// One structured logger per function. Never log a whole event: it can hold a task token.
export const logger = new Logger({ serviceName: 'signoff' });
