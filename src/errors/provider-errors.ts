import type { ErrorSpec } from './error-spec.ts';

/**
 * Errors from cloud providers (upstream), provider-agnostic: each adapter maps its provider's own codes onto these
 * (see the adapter's `<id>-error.ts`). Messages may carry the provider's code and a truncated provider message,
 * never headers, credentials or request bodies.
 */
export const providerErrors = {
  upstream_auth_failed: {
    status: 502, businessCode: 150601, retryable: false,
    message: '{provider} rejected the credentials ({providerCode}): check the configured key',
    description: 'The provider answered 401/403 or an auth error code for the configured key.',
    howToFix: 'Check the key (env var or `atelier install … --auth_key`), its region and that the service is enabled for the account.',
  },
  upstream_rate_limited: {
    status: 429, businessCode: 150602, retryable: true,
    message: '{provider} is throttling requests ({providerCode}); retried {attempts} times',
    description: 'The provider answered 429 or a throttling code and retries with backoff did not get through.',
    howToFix: 'Retry later, or lower the provider concurrency in the config.',
  },
  upstream_quota_exceeded: {
    status: 402, businessCode: 150603, retryable: false,
    message: '{provider} refused the request for quota or billing reasons ({providerCode}): {providerMessage}',
    description: 'The account has no balance, the free quota is used up, or the resource package expired.',
    howToFix: 'Top up or enable billing for the account at the provider.',
  },
  upstream_invalid_request: {
    status: 400, businessCode: 150604, retryable: false,
    message: '{provider} rejected the request ({providerCode}): {providerMessage}',
    description: 'The provider refused a parameter or input that passed Atelier\'s own checks.',
    howToFix: 'Adjust the parameter named in the message; see the provider section of docs/api.md.',
  },
  upstream_content_rejected: {
    status: 422, businessCode: 150605, retryable: false,
    message: '{provider} refused the content ({providerCode}): {providerMessage}',
    description: 'The provider\'s moderation flagged the input image, the prompt or the output.',
    howToFix: 'Change the prompt or the image.',
  },
  upstream_task_failed: {
    status: 502, businessCode: 150606, retryable: false,
    message: '{provider} task failed ({providerCode}): {providerMessage}',
    description: 'An asynchronous provider task ended FAILED (or partially failed).',
    howToFix: 'Check the provider message; retry if it names a transient cause.',
  },
  upstream_task_lost: {
    status: 502, businessCode: 150607, retryable: false,
    message: '{provider} no longer knows task {providerTaskId} (status {providerStatus})',
    description: 'The provider reports the task as UNKNOWN (expired after 24 h or never created) or CANCELED upstream.',
    howToFix: 'Submit the request again.',
  },
  upstream_unavailable: {
    status: 502, businessCode: 150608, retryable: true,
    message: '{provider} is unavailable ({reason})',
    description: 'Connection refused, reset, DNS failure or a 5xx from the provider.',
    howToFix: 'Retry later; check the base URL and network.',
  },
  upstream_timeout: {
    status: 504, businessCode: 150609, retryable: true,
    message: '{provider} did not answer within {timeoutMs} ms',
    description: 'A single call to the provider took longer than its timeout.',
    howToFix: 'Retry later; raise the provider timeout in the config if the provider is slow.',
  },
  upstream_bad_response: {
    status: 502, businessCode: 150610, retryable: true,
    message: '{provider} sent a response Atelier cannot read: {reason}',
    description: 'Malformed JSON, a missing field, or a result that is not an image/video.',
    howToFix: 'Retry; if it repeats, the provider changed its API: report it.',
  },
  upstream_endpoint_retired: {
    status: 502, businessCode: 150611, retryable: false,
    message: '{provider} retired this endpoint ({detail}); choose another provider or model',
    description: 'The provider answered that the endpoint or model is offline (StepFun announced retirement on 2026-10-10).',
    howToFix: 'Use another provider or a current model; the base URL stays configurable.',
  },
} as const satisfies Record<string, ErrorSpec>;
