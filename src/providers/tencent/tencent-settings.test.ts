import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test/fakes/caught-gateway-error.ts';
import { tencentProvider } from './index.ts';
import { defaultTencentEndpoint, defaultTencentRegion, readTencentSettings } from './tencent-settings.ts';

const secrets = { TENCENTCLOUD_SECRET_ID: 'AKIDenvironment000000000000000000', TENCENTCLOUD_SECRET_KEY: 'environment-secret-key-0000000000' };

describe('Tencent settings', () => {
  it('is not configured without secrets', () => {
    expect(readTencentSettings({ env: {}, file: {} })).toBeUndefined();
  });

  it('reads the environment with documented defaults', () => {
    expect(readTencentSettings({ env: secrets, file: {} })).toMatchObject({
      secretId: secrets.TENCENTCLOUD_SECRET_ID, secretKey: secrets.TENCENTCLOUD_SECRET_KEY,
      region: defaultTencentRegion, endpoint: defaultTencentEndpoint, concurrency: 3,
    });
    expect(defaultTencentRegion).toBe('ap-guangzhou');
    expect(defaultTencentEndpoint).toBe('https://aiart.tencentcloudapi.com');
  });

  it('lets the environment win over the config file, which fills the gaps', () => {
    const settings = readTencentSettings({
      env: { TENCENTCLOUD_SECRET_ID: 'AKIDfromenvironment', TENCENTCLOUD_REGION: 'ap-singapore' },
      file: { tencent: { secret_id: 'AKIDfromfile', secret_key: 'file-secret-key', region: 'ap-beijing', endpoint: 'https://aiart.intl.tencentcloudapi.com/' } },
    });
    expect(settings).toMatchObject({
      secretId: 'AKIDfromenvironment', secretKey: 'file-secret-key', region: 'ap-singapore', endpoint: 'https://aiart.intl.tencentcloudapi.com',
    });
  });

  it('reads the STS session token of temporary credentials and treats it as a secret', () => {
    expect(readTencentSettings({ env: secrets, file: {} })?.sessionToken).toBeUndefined();
    const fromEnvironment = readTencentSettings({ env: { ...secrets, TENCENTCLOUD_SESSION_TOKEN: 'sts-token-environment' }, file: {} })!;
    expect(fromEnvironment.sessionToken).toBe('sts-token-environment');
    expect(tencentProvider.secretsOf(fromEnvironment)).toContain('sts-token-environment');
    expect(readTencentSettings({ env: secrets, file: { tencent: { session_token: 'sts-token-file' } } })?.sessionToken).toBe('sts-token-file');
  });

  it('refuses half a credential, naming the missing variable but no secret', () => {
    const error = thrownBy(() => readTencentSettings({ env: { TENCENTCLOUD_SECRET_KEY: 'only-the-key-is-set' }, file: {} }));
    expect(error.code).toBe('parameter_invalid');
    expect(error.message).toContain('TENCENTCLOUD_SECRET_ID');
    expect(error.message).not.toContain('only-the-key-is-set');
  });

  it('refuses a malformed region or an endpoint with a path', () => {
    expect(thrownBy(() => readTencentSettings({ env: { ...secrets, TENCENTCLOUD_REGION: 'Guangzhou!' }, file: {} })).message)
      .toBe('Expected a Tencent Cloud region such as ap-guangzhou or ap-singapore for TENCENTCLOUD_REGION but received "Guangzhou!" (string)');
    expect(thrownBy(() => readTencentSettings({ env: { ...secrets, TENCENTCLOUD_AIART_ENDPOINT: 'https://aiart.tencentcloudapi.com/v1' }, file: {} })).message)
      .toContain('TENCENTCLOUD_AIART_ENDPOINT');
    expect(thrownBy(() => readTencentSettings({ env: { ...secrets, TENCENTCLOUD_AIART_ENDPOINT: 'not a url' }, file: {} })).code).toBe('parameter_invalid');
  });

  it('declares both credentials as secrets and 3 jobs of concurrency', () => {
    const settings = readTencentSettings({ env: secrets, file: {} })!;
    expect(tencentProvider.secretsOf(settings)).toEqual([secrets.TENCENTCLOUD_SECRET_KEY, secrets.TENCENTCLOUD_SECRET_ID]);
    expect(tencentProvider.capabilities.defaultConcurrency).toBe(3);
    expect(tencentProvider.capabilities.aliases).toContain('remote_tencent_image-to-image');
    expect(tencentProvider.capabilities.models[0].maskConvention).toBe('none');
  });
});
