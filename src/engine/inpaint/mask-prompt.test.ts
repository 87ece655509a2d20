import { describe, expect, it } from 'vitest';
import { readMaskPrompt } from './mask-prompt.ts';

describe('readMaskPrompt', () => {
  it.each(['remove the person', 'Erase this', 'delete it', 'fill the hole', 'get rid of the wires', '去掉电线', '删除这个人', '移除水印', '擦除文字', 'clean up the spot'])(
    'reads "%s" as a removal',
    (prompt) => {
      expect(readMaskPrompt(prompt).intent.kind).toBe('remove');
    },
  );

  it.each([
    ['make it red', 'red', 0],
    ['Turn it blue', 'blue', 0],
    ['change the blue shirt to green', 'green', 0],
    ['paint it light blue', 'blue', 18],
    ['dark red please', 'red', -18],
    ['red', 'red', 0],
    ['fill it with yellow', 'yellow', 0],
    ['变成红色', 'red', 0],
    ['改成蓝色', 'blue', 0],
    ['把衣服换成深绿色', 'green', -18],
    ['染成金色', 'gold', 0],
    ['紫色', 'purple', 0],
    ['变红', 'red', 0],
  ] as const)('reads "%s" as a recolour to %s (lightness %d)', (prompt, colour, shift) => {
    const { intent } = readMaskPrompt(prompt);
    expect(intent.kind).toBe('recolour');
    if (intent.kind !== 'recolour') return;
    expect(intent.colour.id).toBe(colour);
    expect(intent.lightnessShift).toBe(shift);
  });

  it('lets removal win over a colour named in the same prompt', () => {
    expect(readMaskPrompt('remove the red car').intent.kind).toBe('remove');
    expect(readMaskPrompt('去掉红色的杯子').intent.kind).toBe('remove');
  });

  it.each(['watercolor', 'make it black and white', '转换为素描风格', 'Change background to night', 'a red hat', undefined, '  '])('reads "%s" as neither removal nor recolour', (prompt) => {
    expect(readMaskPrompt(prompt).intent.kind).toBe('other');
  });

  it.each([
    ['add a hat', 'add a hat'],
    ['put a red balloon here', 'put a red balloon'],
    ['replace it with a dog', 'replace it with a dog'],
    ['加一顶帽子', '加一顶帽子'],
    ['turn it into a cat', 'turn it into a cat'],
  ])('notices that "%s" asks for new content', (prompt, phrase) => {
    expect(readMaskPrompt(prompt).generationPhrase).toBe(phrase);
  });

  it.each(['Add more details', '添加细节', 'make it red', 'remove it'])('does not mistake "%s" for a request for new content', (prompt) => {
    expect(readMaskPrompt(prompt).generationPhrase).toBeUndefined();
  });
});
