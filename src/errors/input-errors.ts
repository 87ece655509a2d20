import type { ErrorSpec } from './error-spec.ts';

/** Errors from the input module: reading, fetching and checking images and masks. */
export const inputErrors = {
  input_path_outside_roots: {
    status: 403, businessCode: 150101, retryable: false,
    message: 'path is outside the allowed roots ({roots}): {path}',
    description: 'A path input resolves (after following symlinks and "..") to a place outside the allowed input roots.',
    howToFix: 'Move the file under an allowed root, or start Atelier with --input-root <dir> (ATELIER_INPUT_ROOTS).',
  },
  input_path_roots_required: {
    status: 403, businessCode: 150102, retryable: false,
    message: 'path inputs are disabled because Atelier listens on {host}, a non-loopback address, and no input roots were given',
    description: 'Reading server files for remote callers must be allowed explicitly.',
    howToFix: 'Start Atelier with --input-root <dir>, or send the image as url or base64.',
  },
  input_path_not_found: {
    status: 400, businessCode: 150103, retryable: false,
    message: 'no file at path {path}',
    description: 'The path does not exist (or is not readable by the Atelier process).',
    howToFix: 'Check the path; it is read on the machine Atelier runs on.',
  },
  input_path_not_file: {
    status: 400, businessCode: 150104, retryable: false,
    message: 'path {path} is not a regular file',
    description: 'The path names a directory, device or other non-file.',
    howToFix: 'Point to an image file.',
  },
  input_url_invalid: {
    status: 400, businessCode: 150105, retryable: false,
    message: 'url must be an absolute http or https URL but received {received}',
    description: 'The url input is not parseable or uses another scheme (file:, ftp:, data: …), or its server redirects to such a URL.',
    howToFix: 'Send an http(s) URL, or use image_type "base64" for inline data.',
  },
  input_url_forbidden_address: {
    status: 403, businessCode: 150106, retryable: false,
    message: 'url {url} resolves to {address}, a {kind} address; private URLs are refused',
    description: 'The URL (or a redirect) points at a loopback, private, link-local, CGNAT or cloud-metadata address.',
    howToFix: 'Use a public URL, pass the file by path, or start Atelier with --allow-private-urls (ATELIER_ALLOW_PRIVATE_URLS=1) if you trust every caller.',
  },
  input_url_too_many_redirects: {
    status: 400, businessCode: 150107, retryable: false,
    message: 'url {url} redirected more than {limit} times',
    description: 'The URL keeps redirecting.',
    howToFix: 'Send the final URL.',
  },
  input_url_fetch_failed: {
    status: 400, businessCode: 150108, retryable: true,
    message: 'could not download the image from {url}: {reason}',
    description: 'The remote server refused the connection or answered with a non-2xx status.',
    howToFix: 'Check the URL is reachable from the machine Atelier runs on.',
  },
  input_url_timeout: {
    status: 400, businessCode: 150109, retryable: true,
    message: 'downloading {url} took longer than {timeoutMs} ms',
    description: 'The download did not finish within the input timeout.',
    howToFix: 'Use a faster host, or send the image as base64 or by path.',
  },
  input_too_large: {
    status: 413, businessCode: 150110, retryable: false,
    message: '{parameter} is larger than the limit of {limitBytes} bytes',
    description: 'The encoded image exceeds the byte cap for inputs.',
    howToFix: 'Send a smaller or more compressed image.',
  },
  input_base64_invalid: {
    status: 400, businessCode: 150111, retryable: false,
    message: '{parameter} is not valid base64 or a data: URI: {reason}',
    description: 'The base64 text has characters outside the base64 alphabet, or a malformed data: URI.',
    howToFix: 'Send bare base64 (whitespace is fine) or data:image/<type>;base64,<data>.',
  },
  input_format_unsupported: {
    status: 415, businessCode: 150112, retryable: false,
    message: '{parameter} is not a supported image: expected PNG, JPEG, WebP, BMP, TIFF, GIF or AVIF content ({detail})',
    description: 'The bytes are not an image format Atelier decodes (checked from magic bytes, never the file name).',
    howToFix: 'Convert the image to PNG or JPEG.',
  },
  input_image_corrupt: {
    status: 400, businessCode: 150113, retryable: false,
    message: '{parameter} could not be decoded: {reason}',
    description: 'The header looks like an image but the data is truncated or damaged.',
    howToFix: 'Re-export the image and try again.',
  },
  input_pixels_exceeded: {
    status: 413, businessCode: 150114, retryable: false,
    message: '{parameter} is {width}×{height} = {pixels} pixels, more than the limit of {limit} pixels',
    description: 'The image header declares more pixels than Atelier decodes (checked before decoding).',
    howToFix: 'Downscale the image first.',
  },
  mask_size_mismatch: {
    status: 400, businessCode: 150115, retryable: false,
    message: 'mask is {maskWidth}×{maskHeight} but the image is {imageWidth}×{imageHeight}; they must be the same size',
    description: 'A mask must cover the image pixel for pixel.',
    howToFix: 'Export the mask at the image size.',
  },
  mask_empty: {
    status: 400, businessCode: 150116, retryable: false,
    message: 'mask selects no pixels under the {convention} convention ({hint})',
    description: 'Nothing in the mask marks an area to edit.',
    howToFix: 'Paint the area to edit white (white = edit) or transparent (transparent = edit), or set mask_convention.',
  },
} as const satisfies Record<string, ErrorSpec>;
