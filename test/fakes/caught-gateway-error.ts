import { GatewayError } from '../../src/errors/gateway-error.ts';

/**
 * Catching the `GatewayError` a test expects, so the test can assert its code, status, retryability and text.
 * Anything else (a success, or an error that is not a GatewayError) fails the test with what actually happened.
 */

/**
 * The GatewayError `promise` rejects with.
 *
 * @example const error = await rejectionOf(model.start(call, testContext())); expect(error.code).toBe('upstream_timeout');
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError rejection, but the promise resolved');
}

/**
 * The GatewayError `action` throws (for synchronous code such as settings readers).
 *
 * @example expect(thrownBy(() => readSettings(source)).code).toBe('parameter_invalid');
 */
export function thrownBy(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError to be thrown, but nothing was');
}
