import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { motionIds, type MotionId } from './motion-catalogue.ts';
import { chooseMotion } from './motion-from-prompt.ts';

/** One English and one Chinese prompt per motion; the seed notebook's prompts are among them. */
const prompts: Record<MotionId, { en: string; zh: string }> = {
  'ken-burns': { en: 'A cinematic Ken Burns shot of the harbour', zh: '电影感的画面' },
  'zoom-in': { en: 'Slowly zoom in on the cup', zh: '镜头推近杯子' },
  'zoom-out': { en: 'Zoom out to reveal the valley', zh: '镜头拉远，展示整个山谷' },
  'pan-left': { en: 'Pan left across the skyline', zh: '镜头向左平移' },
  'pan-right': { en: 'Pan right along the street', zh: '镜头向右移动' },
  'pan-up': { en: 'Tilt up towards the top of the tower', zh: '镜头向上摇' },
  'pan-down': { en: 'Pan down to the river bank', zh: '镜头向下移动' },
  parallax: { en: 'Orbit around the statue with a 3D parallax effect', zh: '环绕拍摄，立体视差效果' },
  sway: { en: 'Make the leaves sway in the wind', zh: '让树叶随风摇摆' },
  ripple: { en: 'Make ripples on the water surface', zh: '让水面泛起涟漪' },
  flicker: { en: 'Make the lights flicker', zh: '让灯光闪烁' },
  'cloud-drift': { en: 'Make the clouds move slowly', zh: '让云朵缓缓移动' },
};

describe('chooseMotion', () => {
  for (const motion of motionIds) {
    it(`recognises ${motion} in English and Chinese`, () => {
      for (const prompt of [prompts[motion].en, prompts[motion].zh]) {
        const choice = chooseMotion({ prompt });
        expect(choice.motion, prompt).toBe(motion);
        expect(choice.warnings.filter((warning) => warning.details.includes('subject')), prompt).toEqual([]);
      }
    });
  }

  it('uses Ken Burns without a warning when there is no prompt', () => {
    expect(chooseMotion({})).toEqual({ motion: 'ken-burns', intensity: 'normal', warnings: [], applied: ['ken-burns'] });
    expect(chooseMotion({ prompt: '   ' }).warnings).toEqual([]);
  });

  it('reads "slowly" and 缓缓 as a gentler motion', () => {
    expect(chooseMotion({ prompt: 'Make the clouds move slowly' })).toMatchObject({ intensity: 'gentle', applied: ['cloud-drift', 'gentle'] });
    expect(chooseMotion({ prompt: '让云朵缓缓移动' }).intensity).toBe('gentle');
    expect(chooseMotion({ prompt: 'zoom in quickly' }).intensity).toBe('strong');
  });

  it('answers a subject action with camera motion and an honest warning', () => {
    for (const prompt of ['Make the cat run on the grass', '让猫在草地上奔跑']) {
      const choice = chooseMotion({ prompt });
      expect(choice.motion).toBe('zoom-in');
      expect(choice.warnings).toHaveLength(1);
      expect(choice.warnings[0]).toMatchObject({ type: 'unsupported', feature: 'prompt' });
      expect(choice.warnings[0].details).toMatch(/subject motion is not generated; applied zoom-in camera motion$/);
    }
    expect(chooseMotion({ prompt: 'Make the person smile and wave' }).motion).toBe('ken-burns');
    expect(chooseMotion({ prompt: 'Make the bird spread its wings and fly' }).motion).toBe('pan-up');
  });

  it('warns about a subject action even when the prompt also names a motion it can render', () => {
    const choice = chooseMotion({ prompt: 'the dog wags its tail while the leaves sway' });
    expect(choice.motion).toBe('sway');
    expect(choice.warnings.map((warning) => warning.details)).toEqual([
      expect.stringMatching(/"wags".*subject motion is not generated; applied sway region motion/),
    ]);
  });

  it('keeps words apart: "waves" is water, "wave" is a gesture, "lightning" is not "lights"', () => {
    expect(chooseMotion({ prompt: 'waves on the sea' }).motion).toBe('ripple');
    expect(chooseMotion({ prompt: 'the girl waves hello' }).warnings.some((warning) => warning.details.includes('subject'))).toBe(true);
    expect(chooseMotion({ prompt: 'lightning storm' }).motion).toBe('ken-burns');
    // 水果 is fruit, not water; 跑车 is a sports car, not running.
    expect(chooseMotion({ prompt: '一盘水果' }).motion).toBe('ken-burns');
    expect(chooseMotion({ prompt: '一辆红色跑车' }).warnings.map((warning) => warning.type)).toEqual(['fallback']);
  });

  it('lets an explicit motion win over the prompt', () => {
    const choice = chooseMotion({ prompt: 'Make ripples on the water surface', motion: 'pan-right' });
    expect(choice.motion).toBe('pan-right');
    expect(choice.warnings).toEqual([]);
  });

  it('says so when the prompt names nothing it recognises, and when it names two motions', () => {
    expect(chooseMotion({ prompt: 'a beautiful afternoon' }).warnings).toEqual([
      { type: 'fallback', feature: 'prompt', details: 'no motion was recognised in the prompt; applied ken-burns camera motion' },
    ]);
    const both = chooseMotion({ prompt: 'zoom in while the leaves sway in the wind' });
    expect(both.motion).toBe('sway');
    expect(both.warnings[0].details).toBe('one motion is rendered per video: applied sway; the prompt also suggested zoom-in');
  });

  it('rejects an unknown motion id with the list of known ones', () => {
    let thrown: unknown;
    try {
      chooseMotion({ motion: 'spin' });
    } catch (error) {
      thrown = error;
    }
    expect(GatewayError.isInstance(thrown)).toBe(true);
    expect((thrown as GatewayError).code).toBe('parameter_invalid');
    expect((thrown as GatewayError).message).toBe(`Expected one of: ${motionIds.join(', ')} for motion but received "spin" (string)`);
  });
});
