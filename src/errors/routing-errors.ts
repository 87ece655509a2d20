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
    description: 'remote_service_provider, an entry of fallbacks, or the provider_name of DELETE or PUT /aog/v0.2/service_provider names no provider Atelier knows (for PUT: none that is configured); or no configured provider matches the filters of GET /aog/v0.2/service_provider/detail.',
    howToFix: 'Use aliyun (dashscope), tencent, stepfun, openai or local, or an AOG provider name such as remote_aliyun_image-to-image; GET /aog/v0.2/service_provider lists the configured ones.',
  },
  provider_settings_not_stored: {
    status: 404, businessCode: 20009, retryable: false,
    message: 'service provider is not found: nothing is stored for {provider} in config.json, so nothing was removed; {state}',
    description: 'DELETE /aog/v0.2/service_provider named a known provider that has no settings in config.json (never installed, or already removed); the message says whether the environment still configures it.',
    howToFix: 'Nothing to remove: if the provider is still configured, unset the environment variables the message names.',
  },
  provider_already_exists: {
    status: 409, businessCode: 10009, retryable: false,
    message: 'provider already exist: {provider} is already configured ({source}), so nothing was created; PUT /aog/v0.2/service_provider changes its settings',
    description: 'POST /aog/v0.2/service_provider named a provider that is already configured (listed by GET /aog/v0.2/service_provider), by config.json or by the environment; nothing was written.',
    howToFix: 'Send the change as PUT /aog/v0.2/service_provider with the same provider_name; to start over, DELETE it first (and unset its environment variables if they configure it).',
  },
  provider_cannot_serve: {
    status: 400, businessCode: 150201, retryable: false,
    message: '{provider} cannot serve this request: {reason}',
    description: 'The chosen provider (or a fallback) does not support the model, service or an input the request needs.',
    howToFix: 'Pick another model or provider, or drop the unsupported input.',
  },
} as const satisfies Record<string, ErrorSpec>;
