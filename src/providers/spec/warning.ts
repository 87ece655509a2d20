/**
 * Something Atelier did that the caller may not expect: a cloud model served by the embedded engine, an input
 * resized for a provider, a parameter the provider ignores. Returned in `warnings` on every success response.
 */
export interface Warning {
  /** `unsupported`: an input or parameter was ignored; `substituted`: something was replaced (model, provider,
   * input size); `fallback`: a default was used because the request was not understood; `other`. */
  type: 'unsupported' | 'substituted' | 'fallback' | 'other';
  /** Which feature, e.g. `model`, `prompt`, `mask`, `seed`, `image`. */
  feature: string;
  /** A sentence a person can read. */
  details: string;
}
