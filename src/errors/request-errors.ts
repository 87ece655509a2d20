import type { ErrorSpec } from './error-spec.ts';

/** Errors about the HTTP request itself and its parameters. */
export const requestErrors = {
  request_body_invalid_json: {
    status: 400, businessCode: 40003, retryable: false,
    message: 'Failed to unmarshal request body: {reason}',
    description: 'The body is not valid JSON, or not a JSON object.',
    howToFix: 'Send a JSON object with Content-Type: application/json.',
  },
  request_content_type_unsupported: {
    status: 415, businessCode: 40004, retryable: false,
    message: 'Unsupported content type "{contentType}": send application/json',
    description: 'The route reads JSON and the request declared another content type.',
    howToFix: 'Set Content-Type: application/json.',
  },
  request_body_too_large: {
    status: 413, businessCode: 150001, retryable: false,
    message: 'Request body is larger than the limit of {limitBytes} bytes',
    description: 'The request body exceeds the configured body limit (large enough for a 10 MB image in base64 by default).',
    howToFix: 'Send a smaller image, or pass it by path or url instead of base64.',
  },
  parameter_invalid: {
    status: 400, businessCode: 40061, retryable: false,
    message: 'Expected {expected} for {parameter} but received {received}',
    description: 'A request field has the wrong type or is out of its documented range; Atelier never clamps values silently.',
    howToFix: 'Send a value in the range the message gives (see docs/api.md).',
  },
  parameter_missing: {
    status: 400, businessCode: 40061, retryable: false,
    message: '{parameter} request param lost',
    description: 'A required field is absent (the message keeps the text AOG uses for image and image_type).',
    howToFix: 'Add the field named in the message.',
  },
  image_type_invalid: {
    status: 400, businessCode: 40061, retryable: false,
    message: 'unsupported image type: {parameter} must be one of path, url, base64 but received {received}',
    description: 'image_type (or mask_type) is not one of path, url, base64.',
    howToFix: 'Use "path" for a local file, "url" for http(s) links, "base64" for inline data.',
  },
  provider_auth_missing: {
    status: 400, businessCode: 20006, retryable: false,
    message: 'provider api auth info lost: a remote {flavor} install needs auth_key, a JSON string such as {example}',
    description: 'A remote service install gave no auth_key (or an empty one); the message keeps AOG\'s text for the same condition.',
    howToFix: 'Send auth_key for the flavor: `{"api_key":"…"}` for aliyun, stepfun and openai, `{"secret_id":"…","secret_key":"…"}` for tencent.',
  },
  hybrid_policy_invalid: {
    status: 400, businessCode: 10016, retryable: false,
    message: 'unsupport hybrid policy: hybrid_policy must be one of default, always_local, always_remote but received {received}',
    description: 'hybrid_policy has a value AOG does not define.',
    howToFix: 'Use default, always_local or always_remote.',
  },
  aog_version_mismatch: {
    status: 422, businessCode: 10014, retryable: false,
    message: 'aog version not match: Atelier imports .aog files of version v0.7 (v0.6 with a warning) but received {received}',
    description: 'A `.aog` file sent to POST /aog/v0.2/service/import has another `version` (or none); nothing was imported.',
    howToFix: 'Export the file again from AOG v0.7 or Atelier, or set "version":"v0.7" once its layout matches aog-compat §10.',
  },
  remote_service_provider_invalid: {
    status: 400, businessCode: 40061, retryable: false,
    message: 'remote_service_provider must be a provider name string; the object form is refused because it could inject URLs and credentials',
    description: 'remote_service_provider was sent as an object (AOG metadata form).',
    howToFix: 'Send the provider name as a string, e.g. "aliyun", or configure providers through the control plane.',
  },
  route_not_found: {
    status: 404, businessCode: 150002, retryable: false,
    message: 'No route for {method} {path}',
    description: 'Nothing is served at this method and path.',
    howToFix: 'Check the path against GET /openapi.json.',
  },
  control_plane_remote_forbidden: {
    status: 403, businessCode: 150003, retryable: false,
    message: 'The control plane ({method} {path}) accepts changes from this machine only, not from {remoteAddress}',
    description: 'A request that changes stored keys or service settings (install, import, PUT service, POST, PUT or DELETE service_provider) came from another machine, or through a reverse proxy (it carried Forwarded, X-Forwarded-For or X-Real-IP): with the server reachable from the network, anyone who can reach it could otherwise replace or remove the keys.',
    howToFix: 'Run the change on the machine Atelier runs on (atelier install …, or curl against 127.0.0.1).',
  },
  request_origin_forbidden: {
    status: 403, businessCode: 150004, retryable: false,
    message: 'Atelier does not accept {method} {path} sent by a web page from {origin}',
    description: 'A request that changes something (a generation, a task, the stored keys) carried a browser\'s Origin header naming a page not served by this machine. Any site open in a browser here could otherwise spend the configured cloud keys, read local images through path inputs, or replace the keys: a POST without a Content-Type needs no preflight.',
    howToFix: 'Call Atelier from a program (AOG clients, curl, atelier), which sends no Origin, or from a page served by localhost or a loopback address.',
  },
  request_host_forbidden: {
    status: 403, businessCode: 150005, retryable: false,
    message: 'This Atelier answers to localhost only, not to the name {host}',
    description: 'The server is bound to a loopback address and the request named another host: a web page whose own domain resolves to 127.0.0.1 (DNS rebinding) would otherwise be treated by the browser as the same origin as Atelier and could read its answers.',
    howToFix: 'Use http://127.0.0.1:<port> or http://localhost:<port>; behind a reverse proxy, set --public-url to the name the proxy serves.',
  },
  service_not_found: {
    status: 404, businessCode: 10011, retryable: false,
    message: 'service not found: {service} is not served by Atelier (image-to-image and image-to-video are)',
    description: 'An AOG service route other than image-to-image or image-to-video was called.',
    howToFix: 'Use /aog/v0.2/services/image-to-image or /aog/v0.2/services/image-to-video.',
  },
} as const satisfies Record<string, ErrorSpec>;
