import { connect } from 'node:http2';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startStack, TEST_KEY } from './stack.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../src/net/__fixtures__/${name}`, import.meta.url));

describe('TLS', () => {
  it('serves HTTPS with h2 negotiated by ALPN when server.tls is configured', async () => {
    const stack = await startStack({
      config: {
        server: {
          port: 0,
          tls: {
            keyFile: fixture('test-only-localhost.key.pem'),
            certFile: fixture('test-only-localhost.cert.pem'),
          },
        },
      },
    });
    try {
      expect(stack.gateway.url).toMatch(/^https:\/\//);
      const session = connect(stack.gateway.url, { rejectUnauthorized: false });
      try {
        const body = await new Promise<string>((resolve, reject) => {
          const request = session.request({
            ':method': 'POST',
            ':path': '/v1/chat/completions',
            authorization: `Bearer ${TEST_KEY}`,
            'content-type': 'application/json',
          });
          let text = '';
          request.setEncoding('utf8');
          request.on('data', (chunk: string) => {
            text += chunk;
          });
          request.on('end', () => resolve(text));
          request.on('error', reject);
          request.end(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
        });
        expect(session.alpnProtocol).toBe('h2');
        expect((JSON.parse(body) as { object: string }).object).toBe('chat.completion');
      } finally {
        session.close();
      }
    } finally {
      await stack.close();
    }
  });
});
