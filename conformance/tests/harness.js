// Starts the simulator binary and builds SDK clients against it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';

import sdk88 from 'sdk88';
import sdk89 from 'sdk89';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary =
  process.env.CAMUNDA_ACCESS_BIN ?? path.join(here, '..', '..', 'target', 'debug', 'camunda-access');

export const versions = [
  { version: '8.8', createClient: sdk88 },
  { version: '8.9', createClient: sdk89 },
];

/** Starts `camunda-access sim` on a free port; resolves with {url, stop}. */
export function startSim(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['sim', '--listen', '127.0.0.1:0', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code} before it was ready`)));
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const match = /^camunda-access sim listening on (http:\/\/\S+)$/.exec(line);
      if (!match) {
        reject(new Error(`unexpected first line: ${line}`));
        return;
      }
      resolve({
        url: match[1],
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', done);
            child.kill('SIGINT');
          }),
      });
    });
  });
}

/** A client with strict request and fanatical response validation. */
export function client(
  createClient,
  url,
  auth = { strategy: 'BASIC', username: 'demo', password: 'demo' },
  validation = 'req:strict,res:fanatical',
) {
  return createClient({
    config: {
      CAMUNDA_REST_ADDRESS: url,
      CAMUNDA_AUTH_STRATEGY: auth.strategy,
      CAMUNDA_BASIC_AUTH_USERNAME: auth.username,
      CAMUNDA_BASIC_AUTH_PASSWORD: auth.password,
      CAMUNDA_SDK_VALIDATION: validation,
      CAMUNDA_SDK_LOG_LEVEL: 'silent',
      CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: '1',
    },
  });
}

/** No waiting for eventual consistency: the simulator runs without lag here. */
export const now = { consistency: { waitUpToMs: 0 } };

/** Asserts that `promise` rejects with an RFC 9457 problem. */
export async function problem(promise, status, title, detail) {
  try {
    await promise;
  } catch (error) {
    assert.equal(error.status, status, `status of: ${error.message}`);
    if (title) assert.equal(error.title, title);
    if (detail instanceof RegExp) assert.match(error.detail, detail);
    else if (detail) assert.equal(error.detail, detail);
    return error;
  }
  assert.fail(`expected ${status} ${title ?? ''}, got success`);
}
