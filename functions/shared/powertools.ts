import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';

// Shared instances: one logger and one tracer per process, as Powertools recommends.
export const logger = new Logger({ serviceName: 'fairfix' });
export const tracer = new Tracer({ serviceName: 'fairfix' });
