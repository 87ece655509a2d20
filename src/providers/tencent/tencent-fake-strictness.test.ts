import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { exampleTencentCredentials, startTencentFake, type TencentFake } from '../../../test/fakes/tencent-fake-server.ts';
import { signTc3 } from './tc3-sign.ts';

/**
 * A second pass over `specs/tencent-aiart.md`: the fake must answer every API error the Tencent way (§9 item 5:
 * always HTTP 200 with `Response.Error`) and check LogoParam's field types (§3: LogoUrl string, LogoImage base64
 * string, LogoRect {X, Y, Width, Height} integers), or adapter tests against it prove nothing.
 */

let fake: TencentFake;
beforeEach(async () => {
  fake = await startTencentFake();
});
afterEach(() => fake.stop());

/** One correctly signed ImageToImage POST straight to the fake. */
async function signedPost(body: unknown): Promise<{ status: number; code?: string }> {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const host = new URL(fake.url).host;
  const timestamp = Math.floor(fake.clock.now() / 1000);
  const { authorization } = signTc3({
    ...exampleTencentCredentials, service: 'aiart', timestamp, method: 'POST', headers: { 'Content-Type': 'application/json', Host: host }, payload,
  });
  const response = await fetch(`${fake.url}/`, {
    method: 'POST',
    body: payload,
    headers: {
      authorization, 'content-type': 'application/json', 'x-tc-action': 'ImageToImage', 'x-tc-version': '2022-12-29',
      'x-tc-timestamp': String(timestamp), 'x-tc-region': 'ap-guangzhou',
    },
  });
  const answer = (await response.json()) as { Response?: { Error?: { Code?: string } } };
  return { status: response.status, code: answer.Response?.Error?.Code };
}

const withLogo = (logo: unknown) => ({ InputUrl: 'https://example.com/in.jpg', LogoParam: logo });

describe('the Tencent fake checks LogoParam field types and always answers HTTP 200 (§3, §9 item 5)', () => {
  test.each([
    ['LogoRect null', { LogoRect: null }],
    ['LogoRect a string', { LogoRect: '0,0,10,10' }],
    ['LogoRect without Height', { LogoRect: { X: 0, Y: 0, Width: 10 } }],
    ['LogoImage a number', { LogoImage: 123 }],
    ['LogoImage not base64', { LogoImage: 'not base64!' }],
  ])('%s is InvalidParameterValue.ParameterValueError inside an HTTP 200', async (_name, logo) => {
    expect(await signedPost(withLogo(logo))).toEqual({ status: 200, code: 'InvalidParameterValue.ParameterValueError' });
  });

  test('a well-formed LogoParam is accepted', async () => {
    expect(await signedPost(withLogo({ LogoImage: 'aGVsbG8=', LogoRect: { X: 0, Y: 0, Width: 10, Height: 10 } }))).toEqual({ status: 200, code: undefined });
  });
});
