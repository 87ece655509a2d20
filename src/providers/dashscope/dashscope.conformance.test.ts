import { runProviderConformance } from '../../../test/conformance/provider.case.test.ts';
import { startDashScopeConformanceFake } from '../../../test/fakes/dashscope-conformance-fake.ts';
import { testMask } from '../../../test/fakes/generation-call-kit.ts';
import { dashscopeProvider, type DashScopeSettings } from './index.ts';

const settings = (fake: { baseUrl: string; secrets: readonly string[] }, overrides: { baseUrl?: string; timeoutMs?: number }): DashScopeSettings => ({
  apiKey: fake.secrets[0], baseUrl: overrides.baseUrl ?? fake.baseUrl, requestTimeoutMs: overrides.timeoutMs ?? 10_000,
  taskQueriesPerSecond: 20, maxResultBytes: 50 * 1024 * 1024, submitAttempts: 3,
});
const common = { name: 'dashscope', definition: dashscopeProvider, fake: startDashScopeConformanceFake, settings };

runProviderConformance({ ...common, modelId: 'wanx2.1-imageedit', baseCall: { prompt: '把帽子改成红色' } });
runProviderConformance({
  ...common, modelId: 'wanx-x-painting',
  // An inpainting-only model: every call carries a mask of the test image's size.
  baseCall: async (image) => ({ prompt: 'a red hat', mask: await testMask(image.width, image.height) }),
});
runProviderConformance({ ...common, modelId: 'wanx-style-repaint-v1', baseCall: { style: '3' } });
runProviderConformance({ ...common, modelId: 'wan2.2-i2v-plus', baseCall: { prompt: '一只猫在草地上奔跑' }, imageSize: { width: 640, height: 480 } });
runProviderConformance({ ...common, modelId: 'wanx2.1-i2v-turbo', baseCall: { prompt: 'the camera slowly zooms in' } });
