import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors/gateway-error.ts';
import { createCallSignal } from '../shared/call-signal.ts';
import { networkErrorKind } from '../shared/network-error-kind.ts';
import { requestJson } from '../shared/request-json.ts';
import { UpstreamFailure } from '../shared/upstream-failure.ts';
import type { ProviderDependencies } from '../spec/provider-definition.ts';
import { dashscopeProviderName, mapDashScopeAnswer } from './dashscope-error.ts';
import type { DashScopeSettings } from './dashscope-settings.ts';

/** The upload policy DashScope hands out (spec §3.4); read leniently, only the fields used. */
interface UploadPolicy {
  uploadHost: string;
  uploadDirectory: string;
  accessKeyId: string;
  signature: string;
  policy: string;
  objectAcl: string;
  forbidOverwrite: string;
  maxFileBytes?: number;
}

const extensionByMediaType: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/bmp': 'bmp', 'image/tiff': 'tiff',
};

/**
 * Uploads a file through DashScope's temporary-file service and returns its `oss://` URL, for models that accept
 * only URLs (wanx-x-painting) or when `input_transport` asks for it. Steps (spec §3.4): `GET /uploads?action=
 * getPolicy&model=…` with the key, then a multipart POST to the policy's `upload_host` (an OSS bucket: the DashScope
 * key is never sent there). The file is bound to the model and the key's account and lives 48 hours; submits that
 * use it must send `X-DashScope-OssResourceResolve: enable`.
 *
 * @throws GatewayError `upstream_*` when either step fails, `provider_cannot_serve` when the file exceeds the policy's limit.
 */
export async function uploadTemporaryFile(
  file: { bytes: Buffer; mediaType: string },
  modelId: string,
  settings: DashScopeSettings,
  dependencies: ProviderDependencies,
  signal: AbortSignal,
): Promise<string> {
  const policy = await fetchPolicy(modelId, settings, dependencies, signal);
  if (policy.maxFileBytes !== undefined && file.bytes.length > policy.maxFileBytes) {
    throw new GatewayError('provider_cannot_serve', {
      provider: dashscopeProviderName, reason: `the temporary upload for ${modelId} accepts at most ${policy.maxFileBytes} bytes and the input has ${file.bytes.length}`,
    });
  }
  const key = `${policy.uploadDirectory.replace(/\/+$/, '')}/${randomUUID()}.${extensionByMediaType[file.mediaType] ?? 'bin'}`;
  const form = new FormData();
  form.set('OSSAccessKeyId', policy.accessKeyId);
  form.set('Signature', policy.signature);
  form.set('policy', policy.policy);
  form.set('x-oss-object-acl', policy.objectAcl);
  form.set('x-oss-forbid-overwrite', policy.forbidOverwrite);
  form.set('key', key);
  form.set('success_action_status', '200');
  // OSS requires the file part last.
  form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.mediaType }), key.split('/').pop());

  const callSignal = createCallSignal(settings.requestTimeoutMs, signal);
  try {
    let response: Response;
    try {
      response = await dependencies.fetch(policy.uploadHost, { method: 'POST', body: form, signal: callSignal.signal, redirect: 'error' });
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      if (callSignal.timedOut()) {
        throw new GatewayError('upstream_timeout', { provider: dashscopeProviderName, timeoutMs: settings.requestTimeoutMs }, { cause: new UpstreamFailure('timeout') });
      }
      const { kind, reason } = networkErrorKind(error);
      throw new GatewayError('upstream_unavailable', { provider: dashscopeProviderName, reason: `temporary upload: ${reason}` }, { cause: new UpstreamFailure(kind) });
    }
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) {
      throw new GatewayError('upstream_unavailable', { provider: dashscopeProviderName, reason: `temporary upload answered HTTP ${response.status}` },
        { cause: new UpstreamFailure('http', { httpStatus: response.status }), retryable: response.status >= 500 || response.status === 429 });
    }
  } finally {
    callSignal.dispose();
  }
  return `oss://${key}`;
}

async function fetchPolicy(modelId: string, settings: DashScopeSettings, dependencies: ProviderDependencies, signal: AbortSignal): Promise<UploadPolicy> {
  const answer = await requestJson({
    provider: dashscopeProviderName,
    fetch: dependencies.fetch,
    url: `${settings.baseUrl}/uploads?action=getPolicy&model=${encodeURIComponent(modelId)}`,
    method: 'GET',
    headers: { Authorization: `Bearer ${settings.apiKey}` },
    timeoutMs: settings.requestTimeoutMs,
    signal,
    mapError: mapDashScopeAnswer([settings.apiKey]),
    now: dependencies.now,
    logger: dependencies.logger,
  });
  const data = (answer.body as { data?: unknown }).data;
  const field = (name: string): string => {
    const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
    if (typeof value !== 'string' || value.length === 0) {
      throw new GatewayError('upstream_bad_response', { provider: dashscopeProviderName, reason: `the upload policy has no ${name}` }, { cause: new UpstreamFailure('malformed') });
    }
    return value;
  };
  const uploadHost = field('upload_host');
  if (!/^https?:\/\//.test(uploadHost)) {
    throw new GatewayError('upstream_bad_response', { provider: dashscopeProviderName, reason: 'the upload policy host is not an http(s) URL' }, { cause: new UpstreamFailure('malformed') });
  }
  const maxMegabytes = (data as Record<string, unknown>).max_file_size_mb;
  return {
    uploadHost,
    uploadDirectory: field('upload_dir'),
    accessKeyId: field('oss_access_key_id'),
    signature: field('signature'),
    policy: field('policy'),
    objectAcl: field('x_oss_object_acl'),
    forbidOverwrite: field('x_oss_forbid_overwrite'),
    maxFileBytes: typeof maxMegabytes === 'number' && maxMegabytes > 0 ? maxMegabytes * 1024 * 1024 : undefined,
  };
}
