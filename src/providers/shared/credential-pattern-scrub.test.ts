/**
 * Security review of what provider error text may carry into responses, task rows, webhooks and logs. Keys are
 * scrubbed by value (the leak test greps for them); this covers what an upstream that echoes the request's
 * Authorization header sends back besides the key: a TC3 signature is valid for that request for five minutes
 * (replaying it bills the account again), and a bearer token Atelier has not registered (a key being rotated, a
 * proxy's own token) is still a credential.
 */
import { describe, expect, it } from 'vitest';
import { interpretTaskAnswer } from '../dashscope/dashscope-task-status.ts';
import type { DashScopeTaskAnswer } from '../dashscope/dashscope-task-client.ts';
import { signTc3 } from '../tencent/tc3-sign.ts';
import { tencentErrorVerdict } from '../tencent/tencent-error.ts';
import { truncateProviderCode, truncateProviderMessage } from './http-status-verdict.ts';

const secretId = 'AKIDreviewSecretId0123456789';
const secretKey = 'reviewSecretKey0123456789abcdef';
const { authorization, signature } = signTc3({
  secretId, secretKey, service: 'aiart', timestamp: 1_700_000_000, method: 'POST',
  headers: { 'Content-Type': 'application/json', Host: 'aiart.tencentcloudapi.com' }, payload: '{"Prompt":"x"}',
});

describe('provider error text never carries a request credential', () => {
  it('drops the TC3 signature of an echoed Authorization header, not only the SecretId', () => {
    const verdict = tencentErrorVerdict({ Code: 'AuthFailure.SignatureFailure', Message: authorization }, [secretId, secretKey]);
    const text = JSON.stringify(verdict.parameters);
    expect(text).not.toContain(secretId);
    expect(text).not.toContain(signature);
    expect(text).not.toContain(signature.slice(0, 16));
  });

  it('drops the signature from a code too, and from a message where it stands alone', () => {
    expect(truncateProviderCode(`Signature=${signature}`)).not.toContain(signature.slice(0, 16));
    expect(truncateProviderMessage(`signature mismatch, got Signature=${signature}`)).not.toContain(signature.slice(0, 16));
  });

  it('drops a bearer token Atelier did not register', () => {
    const message = truncateProviderMessage('Incorrect API key provided: Bearer sk-unregistered0123456789abcdef. See the docs.');
    expect(message).not.toContain('sk-unregistered0123456789abcdef');
    expect(message).toContain('Incorrect API key provided');
  });

  it('keeps ordinary provider text readable', () => {
    expect(truncateProviderMessage('The image is too large: Signature of the file is fine, size 9000×9000')).toBe(
      'The image is too large: Signature of the file is fine, size 9000×9000',
    );
    expect(truncateProviderMessage('Bearer token missing')).toBe('Bearer token missing');
  });

  it('scrubs an unknown DashScope task_status like any provider text (it reaches the error message)', async () => {
    const apiKey = 'sk-review0123456789abcdef0123456789';
    const answer = { output: { task_id: 't-1', task_status: apiKey } } as unknown as DashScopeTaskAnswer;
    const operation = { provider: 'aliyun', taskId: 't-1', modelId: 'wanx2.1-imageedit', family: 'image-edit', submittedAt: new Date(0).toISOString(), expectedOutputs: 1 } as const;
    const error = await interpretTaskAnswer(answer, operation, { download: () => Promise.reject(new Error('no download')), secrets: [apiKey] })
      .then(() => undefined, (failure: unknown) => failure as Error);
    expect(error?.message).toContain('unknown task_status');
    expect(error?.message).not.toContain(apiKey.slice(0, 12));
  });
});
