import { Logger } from '@aws-lambda-powertools/logger';

// One shared logger per process, as Powertools recommends. No Tracer: nothing used it, and importing it
// turns on async hooks through aws-xray-sdk-core, which cost 30-36% more CPU per case lifecycle on the
// local cloud. X-Ray still traces the state machine and each function (lib/); bring the Tracer back
// together with a handler that records segments.
export const logger = new Logger({ serviceName: 'fairfix' });
