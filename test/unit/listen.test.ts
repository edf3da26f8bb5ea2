import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listen, PortUnavailableError } from '../../local/listen.ts';

describe('listen', () => {
  it('says which port is taken and which variable moves it, instead of crashing', async () => {
    const first = await listen(createServer(), 0, 'FAIRFIX_HTTP_PORT');
    const { port } = first.address() as AddressInfo;
    try {
      const second = listen(createServer(), port, 'FAIRFIX_HTTP_PORT');
      await expect(second).rejects.toBeInstanceOf(PortUnavailableError);
      await expect(second).rejects.toThrow(`Port ${port} is already in use`);
      await expect(second).rejects.toThrow('FAIRFIX_HTTP_PORT=<port> npm start');
    } finally {
      first.close();
    }
  });
});
