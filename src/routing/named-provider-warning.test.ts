/**
 * The warning for a named cloud provider served locally must give the real reason: "not configured (set …)" sends
 * the user to set a key that is already set when the provider is configured but does not serve the service, or was
 * taken out of use (a retired endpoint).
 */
import { describe, expect, it } from 'vitest';
import { catalogWith } from '../../test/support/test-catalog.ts';
import { chooseRoute } from './choose-route.ts';

const tencentKeys = { TENCENTCLOUD_SECRET_ID: 'AKIDroutereview', TENCENTCLOUD_SECRET_KEY: 'route-review-secret-key' };

describe('chooseRoute: why a named cloud provider was served locally', () => {
  it('says a configured provider does not serve the service, rather than that it is not configured', () => {
    const chosen = chooseRoute({ service: 'image-to-video', hybridPolicy: 'default', remoteServiceProvider: 'tencent' }, catalogWith(tencentKeys));
    expect(chosen).toMatchObject({ providerId: 'local', modelId: 'atelier-video' });
    expect(chosen.warnings).toHaveLength(1);
    expect(chosen.warnings[0]).toMatchObject({ type: 'substituted', feature: 'remote_service_provider' });
    expect(chosen.warnings[0].details).toContain('does not serve image-to-video');
    expect(chosen.warnings[0].details).not.toContain('not configured');
  });

  it("gives the catalogue's reason when a provider with credentials is out of use", () => {
    const catalog = catalogWith(tencentKeys);
    catalog.modelRetired('tencent', 'aiart-image-to-image', 'Tencent answered ActionOffline');
    const chosen = chooseRoute({ service: 'image-to-image', hybridPolicy: 'default', remoteServiceProvider: 'tencent' }, catalog);
    expect(chosen).toMatchObject({ providerId: 'local' });
    expect(chosen.warnings[0].details).toContain('Tencent answered ActionOffline');
    expect(chosen.warnings[0].details).not.toContain('set TENCENTCLOUD_SECRET_ID');
  });

  it('still names the variable to set when the provider has no credentials', () => {
    const chosen = chooseRoute({ service: 'image-to-image', hybridPolicy: 'default', remoteServiceProvider: 'tencent' }, catalogWith({}));
    expect(chosen.warnings[0].details).toContain('it is not configured (set TENCENTCLOUD_SECRET_ID)');
  });
});
