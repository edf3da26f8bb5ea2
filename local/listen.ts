import type { Server } from 'node:http';

/** Which environment variable moves which endpoint, for the message when its port is taken. */
export type Endpoint =
  | 'FAIRFIX_DYNAMODB_PORT'
  | 'FAIRFIX_SFN_PORT'
  | 'FAIRFIX_HTTP_PORT'
  | 'FAIRFIX_EVENTBRIDGE_PORT'
  | 'FAIRFIX_SES_PORT'
  | 'FAIRFIX_SNS_PORT'
  | 'FAIRFIX_CARRIER_PORT'
  | 'FAIRFIX_SECRETS_MANAGER_PORT';

/** Raised when the local cloud cannot listen: says which port, why, and what to change. */
export class PortUnavailableError extends Error {
  constructor(port: number, variable: Endpoint, cause: NodeJS.ErrnoException) {
    super(
      cause.code === 'EADDRINUSE'
        ? `Port ${port} is already in use (another fairfix, DynamoDB Local or Step Functions Local?). Stop it, or choose another port: ${variable}=<port> npm start`
        : `Cannot listen on 127.0.0.1:${port} (${cause.code ?? cause.message}); choose another port with ${variable}=<port>`,
    );
    this.name = 'PortUnavailableError';
  }
}

/** Listens on 127.0.0.1:port, or rejects with a message a person can act on. */
export function listen(server: Server, port: number, variable: Endpoint): Promise<Server> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(new PortUnavailableError(port, variable, error));
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      resolve(server);
    });
  });
}
