import { readImageToImageAnswer } from '../../src/providers/tencent/tencent-image-edit-model.ts';

/**
 * The error Atelier makes of a Tencent answer carrying `code`: Tencent reports every failure inside a 200 answer
 * (`Response.Error`), so this is how retry-policy tests get the exact error a real Tencent failure becomes.
 */
export function tencentAnswerError(code: string): unknown {
  try {
    readImageToImageAnswer({ Response: { Error: { Code: code, Message: 'upstream says no' }, RequestId: 'r-1' } }, []);
  } catch (error) {
    return error;
  }
  throw new Error('expected the answer to be read as an error');
}
