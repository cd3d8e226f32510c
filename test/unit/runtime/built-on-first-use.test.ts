import { describe, expect, it } from 'vitest';
import { builtOnFirstUse } from '../../../shared/runtime/wiring';

class Client {
  static built = 0;
  readonly region = 'eu-central-1';
  constructor() {
    Client.built += 1;
  }
  async send(command: string) {
    return `${this.region}:${command}`;
  }
}

describe('SDK clients built on first use', () => {
  it('builds the client at its first call, once, and calls it as itself', async () => {
    Client.built = 0;
    const client = builtOnFirstUse(() => new Client());
    expect(Client.built).toBe(0);
    await expect(client.send('GetItem')).resolves.toBe('eu-central-1:GetItem');
    await expect(client.send('PutItem')).resolves.toBe('eu-central-1:PutItem');
    expect(client.region).toBe('eu-central-1');
    expect(Client.built).toBe(1);
  });
});
