import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { deriveTc3Keys, hmacSha256, parseTc3Authorization, sha256Hex, signTc3, tc3Date } from './tc3-sign.ts';

/** Tencent's published example credentials (spec §6.1); not real keys. */
const exampleSecretId = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const exampleSecretKey = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';
/** Exact bytes of the published payload: the `\u` escapes are literal text, not characters. */
const cvmPayload = String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`;
const cvmHeaders = { 'Content-Type': 'application/json; charset=utf-8', Host: 'cvm.tencentcloudapi.com' };

describe('TC3-HMAC-SHA256, official vector #1 (spec §6.1)', () => {
  const signed = signTc3({
    secretId: exampleSecretId, secretKey: exampleSecretKey, service: 'cvm', timestamp: 1551113065,
    method: 'POST', headers: cvmHeaders, payload: cvmPayload,
  });

  it('hashes the payload bytes as published', () => {
    expect(signed.hashedPayload).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
  });

  it('builds the published canonical request and string to sign', () => {
    expect(signed.canonicalRequest).toBe([
      'POST', '/', '',
      'content-type:application/json; charset=utf-8', 'host:cvm.tencentcloudapi.com', '',
      'content-type;host',
      '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    ].join('\n'));
    expect(sha256Hex(signed.canonicalRequest)).toBe('5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    expect(signed.stringToSign).toBe([
      'TC3-HMAC-SHA256', '1551113065', '2019-02-25/cvm/tc3_request',
      '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    ].join('\n'));
  });

  it('derives the published key chain', () => {
    const keys = deriveTc3Keys(exampleSecretKey, '2019-02-25', 'cvm');
    expect(keys.secretDate.toString('hex')).toBe('d1308c81fe71cfd4e06437bbc067b2b8a3d2d8c0e375d547f15c41d5214b395a');
    expect(keys.secretService.toString('hex')).toBe('3c7cb7c7795393edc14fd2e0e6434a518564b4504b88e94f5d11bf59ba3e7050');
    expect(keys.secretSigning.toString('hex')).toBe('ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1');
  });

  it('produces the published signature and Authorization header', () => {
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
      'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });
});

describe('TC3-HMAC-SHA256, official vector #2 with x-tc-action signed (spec §6.2)', () => {
  const headers = { ...cvmHeaders, 'X-TC-Action': 'DescribeInstances' };
  const signed = signTc3({
    secretId: exampleSecretId, secretKey: exampleSecretKey, service: 'cvm', timestamp: 1551113065,
    method: 'POST', headers, payload: cvmPayload,
  });

  it('lowercases the signed x-tc-action value and hashes the canonical request as published', () => {
    expect(signed.canonicalRequest).toContain('x-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n');
    expect(sha256Hex(signed.canonicalRequest)).toBe('7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
  });

  it('reproduces the published chain from the published SecretDate (the doc masks that key)', () => {
    const secretDate = Buffer.from('da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0', 'hex');
    const secretService = hmacSha256(secretDate, 'cvm');
    const secretSigning = hmacSha256(secretService, 'tc3_request');
    expect(secretService.toString('hex')).toBe('8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f');
    expect(secretSigning.toString('hex')).toBe('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af');
    expect(hmacSha256(secretSigning, signed.stringToSign).toString('hex'))
      .toBe('10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
  });

  it('signs to the value derived with the unmasked key of vector #1', () => {
    expect(signed.signature).toBe('644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26');
  });
});

describe('TC3-HMAC-SHA256, derived aiart vectors (spec §6.3)', () => {
  const payload = Buffer.from('{"InputUrl":"https://example.com/in.jpg","Prompt":"清新自然","Styles":["201"],"RspImgType":"url"}', 'utf8');
  const rows = [
    { contentType: 'application/json', action: false, hashed: 'be7bf981192e6397eccb1fc7de0cf3f495351963e3e0c7459a98ca671b1ff1e2', signature: '891c747fc4f905368c69075bb24ffece17143535a3d33dfc6b6b18f3ebba3a11' },
    { contentType: 'application/json; charset=utf-8', action: false, hashed: 'c1e7e30324cdfacaacc25eed5e6677dd3af1258b5a3e7f82f3393ea59f6d7072', signature: 'db561077a253938c318ca3a6973ed0cac3a946a6a912aa55df419ec65b145a65' },
    { contentType: 'application/json; charset=utf-8', action: true, hashed: '58f56f6e9217975d502e0f42e11510caf3a2cbdc6e16f283c8c983c70dbd7d84', signature: '23591cc7b41b9278d163c3b26d7c2840f67580e36cb0c9eb893e1c03ee6e9cdc' },
  ];

  it('hashes the UTF-8 payload as pinned', () => {
    expect(sha256Hex(payload)).toBe('17a8c765a678f3fd54a20feaff29f81a6059ebea5f312d6836a8ca5eb0f70042');
  });

  it.each(rows)('signs $contentType (x-tc-action signed: $action)', (row) => {
    const headers: Record<string, string> = { 'Content-Type': row.contentType, Host: 'aiart.tencentcloudapi.com' };
    if (row.action) headers['X-TC-Action'] = 'ImageToImage';
    const signed = signTc3({
      secretId: exampleSecretId, secretKey: exampleSecretKey, service: 'aiart', timestamp: 1700000000,
      method: 'POST', headers, payload,
    });
    expect(signed.date).toBe('2023-11-14');
    expect(sha256Hex(signed.canonicalRequest)).toBe(row.hashed);
    expect(signed.signature).toBe(row.signature);
  });
});

/** The signing entry point of the official `tencentcloud-sdk-nodejs` (common package), loaded from node_modules. */
interface OfficialSigner {
  sign3(input: {
    method: string; url: string; payload: Buffer | Record<string, unknown>; timestamp: number; service: string;
    secretId: string; secretKey: string; multipart: boolean; boundary: string; headers: Record<string, string>;
  }): string;
}

function loadOfficialSigner(): OfficialSigner {
  // The SDK is CommonJS with a transpiled default export; `require` avoids guessing the ESM interop shape.
  const require = createRequire(import.meta.url);
  const loaded = require('tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js') as { default: OfficialSigner };
  return loaded.default;
}

describe('cross-check against the official SDK signer (tencentcloud-sdk-nodejs-common, common/sign.js)', () => {
  const official = loadOfficialSigner();
  const cases = [
    { name: 'official vector #1', host: 'cvm.tencentcloudapi.com', service: 'cvm', timestamp: 1551113065, contentType: 'application/json; charset=utf-8', body: cvmPayload },
    { name: 'aiart, UTF-8 Chinese prompt', host: 'aiart.tencentcloudapi.com', service: 'aiart', timestamp: 1700000000, contentType: 'application/json', body: '{"InputImage":"iVBORw0KGgo=","Prompt":"清新自然，水彩","Styles":["104"],"Strength":0.7}' },
    { name: 'regional host, just before UTC midnight', host: 'aiart.ap-shanghai.tencentcloudapi.com', service: 'aiart', timestamp: 1735689599, contentType: 'application/json', body: '{"InputUrl":"https://example.com/a.png","LogoAdd":0}' },
    { name: 'just after UTC midnight', host: 'aiart.tencentcloudapi.com', service: 'aiart', timestamp: 1735689600, contentType: 'application/json', body: '{}' },
    { name: 'another key pair', host: 'aiart.intl.tencentcloudapi.com', service: 'aiart', timestamp: 1767225600, contentType: 'application/json', body: '{"Prompt":"a \\"quoted\\" cat"}', secretId: 'AKIDexampleOtherId0000000000000000', secretKey: 'OtherSecretKey/with+symbols=0000' },
  ];

  it.each(cases)('matches for $name', (testCase) => {
    const secretId = testCase.secretId ?? exampleSecretId;
    const secretKey = testCase.secretKey ?? exampleSecretKey;
    const payload = Buffer.from(testCase.body, 'utf8');
    const expected = official.sign3({
      method: 'POST', url: `https://${testCase.host}/`, payload, timestamp: testCase.timestamp, service: testCase.service,
      secretId, secretKey, multipart: false, boundary: '', headers: { 'Content-Type': testCase.contentType },
    });
    const ours = signTc3({
      secretId, secretKey, service: testCase.service, timestamp: testCase.timestamp, method: 'POST',
      headers: { 'Content-Type': testCase.contentType, Host: testCase.host }, payload,
    });
    expect(ours.authorization).toBe(expected);
  });
});

describe('helpers', () => {
  it('uses the UTC date, not local time', () => {
    expect(tc3Date(1735689599)).toBe('2024-12-31');
    expect(tc3Date(1735689600)).toBe('2025-01-01');
  });

  it('parses an Authorization header and rejects other schemes', () => {
    const header = 'TC3-HMAC-SHA256 Credential=AKIDabc/2023-11-14/aiart/tc3_request, SignedHeaders=content-type;host, Signature=' + 'a'.repeat(64);
    expect(parseTc3Authorization(header)).toEqual({
      secretId: 'AKIDabc', date: '2023-11-14', service: 'aiart', signedHeaders: ['content-type', 'host'], signature: 'a'.repeat(64),
    });
    expect(parseTc3Authorization('Bearer sk-123')).toBeUndefined();
  });
});
