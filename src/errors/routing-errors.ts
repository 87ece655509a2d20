import type { ErrorSpec } from './error-spec.ts';

/** Errors from choosing a model and a provider. */
export const routingErrors = {
  model_not_found: {
    status: 404, businessCode: 30003, retryable: false,
    message: 'model not exist: {model} is not a known {service} model (known: {known})',
    description: 'The model name is neither a known cloud model, an alias, nor an embedded-engine model.',
    howToFix: 'Use a model listed by GET /v1/models, or omit model to use the embedded engine.',
  },
  provider_not_configured: {
    status: 404, businessCode: 40001, retryable: false,
    message: 'There is no available target provider for the request: {reason}',
    description: 'hybrid_policy always_remote (or an explicit remote provider) was asked for, but no cloud provider that serves the model is configured; or a fallback names a cloud provider that is not configured.',
    howToFix: 'Configure the provider (e.g. set DASHSCOPE_API_KEY, or `atelier install image-to-image --remote --flavor aliyun --auth_key ...`), or use hybrid_policy default.',
  },
  provider_not_found: {
    status: 404, businessCode: 40010, retryable: false,
    message: 'The provider does not exist: {provider} (known: {known})',
    description: 'remote_service_provider, or an entry of fallbacks, names no provider Atelier knows.',
    howToFix: 'Use aliyun (dashscope), tencent, stepfun, openai or local, or an AOG provider name such as remote_aliyun_image-to-image.',
  },
  provider_cannot_serve: {
    status: 400, businessCode: 150201, retryable: false,
    message: '{provider} cannot serve this request: {reason}',
    description: 'The chosen provider (or a fallback) does not support the model, service or an input the request needs.',
    howToFix: 'Pick another model or provider, or drop the unsupported input.',
  },
} as const satisfies Record<string, ErrorSpec>;
