/**
 * Every motion the embedded video engine renders, and the words that select it, as data. Prompt understanding
 * (`motion-from-prompt.ts`) and `listMotions()` read this table; nothing here runs.
 *
 * English keywords match whole words or phrases, case-insensitively (plurals are listed explicitly, so `wave`, a
 * subject action, stays apart from `waves`, water); Chinese keywords match as substrings, because Chinese text has no
 * spaces between words. Single Chinese characters are avoided where they start unrelated words (水 in 水果 "fruit",
 * 跑 in 跑车 "sports car", 快 in 快乐 "happy").
 */

export const motionIds = [
  'ken-burns',
  'zoom-in',
  'zoom-out',
  'pan-left',
  'pan-right',
  'pan-up',
  'pan-down',
  'parallax',
  'sway',
  'ripple',
  'flicker',
  'cloud-drift',
] as const;

/** A motion id, e.g. `zoom-in`. */
export type MotionId = (typeof motionIds)[number];

/** Camera motions move the whole picture; region motions animate part of it and keep the camera (nearly) still. */
export type MotionKind = 'camera' | 'region';

export interface MotionEntry {
  id: MotionId;
  kind: MotionKind;
  description: string;
  keywords: { en: readonly string[]; zh: readonly string[] };
}

/**
 * The catalogue. Order matters only to break ties: when two motions match a prompt with as many keywords each, the
 * earlier one wins (see `motion-from-prompt.ts`).
 */
export const motionCatalogue: readonly MotionEntry[] = [
  {
    id: 'ken-burns',
    kind: 'camera',
    description: 'Default: a gentle zoom in combined with a slow diagonal pan along an eased path.',
    keywords: { en: ['ken burns', 'documentary', 'cinematic'], zh: ['肯伯恩斯', '纪录片', '电影感'] },
  },
  {
    id: 'zoom-in',
    kind: 'camera',
    description: 'The camera pushes in towards the centre of the picture.',
    keywords: {
      en: ['zoom in', 'zoom into', 'zoom-in', 'zooms in', 'zooming in', 'push in', 'dolly in', 'move closer', 'get closer', 'close up', 'close-up', 'closer'],
      zh: ['推近', '拉近', '放大', '推镜头', '镜头推进', '特写', '靠近'],
    },
  },
  {
    id: 'zoom-out',
    kind: 'camera',
    description: 'The camera pulls back from the centre and reveals the whole picture.',
    keywords: {
      en: ['zoom out', 'zoom-out', 'zooms out', 'zooming out', 'pull back', 'pull out', 'dolly out', 'move away', 'wide shot'],
      zh: ['拉远', '缩小', '拉镜头', '镜头拉远', '远离', '后退'],
    },
  },
  {
    id: 'pan-left',
    kind: 'camera',
    description: 'The camera pans left: the view travels to the left part of the picture.',
    keywords: { en: ['pan left', 'pans left', 'panning left', 'move left', 'to the left', 'leftward'], zh: ['向左', '左移', '往左', '左摇', '左平移'] },
  },
  {
    id: 'pan-right',
    kind: 'camera',
    description: 'The camera pans right: the view travels to the right part of the picture.',
    keywords: { en: ['pan right', 'pans right', 'panning right', 'move right', 'to the right', 'rightward'], zh: ['向右', '右移', '往右', '右摇', '右平移'] },
  },
  {
    id: 'pan-up',
    kind: 'camera',
    description: 'The camera tilts up: the view travels to the top of the picture.',
    keywords: { en: ['pan up', 'pans up', 'tilt up', 'tilts up', 'move up', 'upward'], zh: ['向上', '上移', '往上', '上摇', '仰视'] },
  },
  {
    id: 'pan-down',
    kind: 'camera',
    description: 'The camera tilts down: the view travels to the bottom of the picture.',
    keywords: { en: ['pan down', 'pans down', 'tilt down', 'tilts down', 'move down', 'downward'], zh: ['向下', '下移', '往下', '下摇', '俯视'] },
  },
  {
    id: 'parallax',
    kind: 'camera',
    description:
      'A 2.5D camera move: a foreground layer (from a saliency and centre prior) moves faster than the background; ' +
      'the background uncovered behind it is filled from its surroundings.',
    keywords: {
      en: ['parallax', 'orbit', 'orbits', 'orbiting', '3d', '2.5d', 'depth', 'rotate around', 'circle around', 'dolly'],
      zh: ['视差', '环绕', '绕着', '立体', '景深', '3d', '旋转镜头'],
    },
  },
  {
    id: 'sway',
    kind: 'region',
    description: 'Foliage sways in the wind: a smooth horizontal displacement, strongest at the top of the picture.',
    keywords: {
      en: ['sway', 'sways', 'swaying', 'leaf', 'leaves', 'tree', 'branch', 'branches', 'foliage', 'wind', 'breeze', 'rustle'],
      zh: ['摇摆', '摇曳', '摆动', '树叶', '树枝', '树', '随风', '风吹', '微风', '风中'],
    },
  },
  {
    id: 'ripple',
    kind: 'region',
    description: 'Water ripples: a sinusoidal displacement in perspective, strongest in the lower part of the picture.',
    keywords: {
      en: ['ripple', 'ripples', 'rippling', 'water', 'lake', 'pond', 'river', 'sea', 'ocean', 'waves', 'wavy'],
      zh: ['涟漪', '水面', '波纹', '水波', '湖面', '海面', '河面', '波浪', '波光', '湖水', '河水', '海水', '流水'],
    },
  },
  {
    id: 'flicker',
    kind: 'region',
    description: 'Lights flicker: the brightness of the bright areas is modulated irregularly, area by area.',
    keywords: {
      en: ['flicker', 'flickers', 'flickering', 'lights', 'lamp', 'lamps', 'twinkle', 'twinkling', 'blink', 'blinking', 'neon', 'candle', 'candles', 'sparkle', 'glow', 'glowing'],
      zh: ['闪烁', '闪动', '闪光', '一闪一闪', '灯', '灯光', '霓虹', '烛光', '蜡烛', '星光'],
    },
  },
  {
    id: 'cloud-drift',
    kind: 'region',
    description: 'Clouds drift: the upper part of the picture (the sky) pans slowly while the ground stays put.',
    keywords: { en: ['cloud', 'clouds', 'cloudy', 'sky', 'skies', 'drift', 'drifting'], zh: ['云', '云朵', '云彩', '天空', '缓缓', '飘'] },
  },
];

/**
 * Requests for a subject to act. The engine animates no subject, so these select a camera motion that suits the
 * action and produce an `unsupported` warning. `camera` is the motion applied when the prompt names nothing else.
 */
export const subjectActions: readonly { camera: MotionId; keywords: { en: readonly string[]; zh: readonly string[] } }[] = [
  {
    camera: 'zoom-in',
    keywords: {
      en: ['run', 'runs', 'running', 'walk', 'walks', 'walking', 'drive', 'drives', 'driving', 'jump', 'jumps', 'jumping', 'dance', 'dances', 'dancing', 'move forward', 'bloom', 'blooms', 'blooming'],
      zh: ['奔跑', '跑步', '在跑', '行走', '走路', '走向', '走动', '行驶', '开车', '跳跃', '跳舞', '前进', '开放', '绽放', '盛开'],
    },
  },
  {
    camera: 'pan-up',
    keywords: { en: ['fly', 'flies', 'flying', 'spread its wings', 'spreads its wings', 'take off', 'takes off'], zh: ['飞翔', '飞走', '飞起', '飞过', '展翅', '起飞'] },
  },
  {
    camera: 'ken-burns',
    keywords: {
      en: ['smile', 'smiles', 'smiling', 'wave', 'wave hello', 'waves hello', 'waving', 'wag', 'wags', 'wagging', 'turn', 'turns', 'turning', 'look at', 'looks at', 'nod', 'nods', 'blink its eyes', 'talk', 'talks', 'speak', 'speaks', 'sing', 'sings', 'eat', 'eats', 'swim', 'swims', 'swimming', 'play', 'plays', 'playing'],
      zh: ['微笑', '笑', '挥手', '摇尾巴', '摇尾', '转身', '转头', '看向', '点头', '眨眼', '说话', '唱歌', '吃', '游泳', '玩耍'],
    },
  },
];

/** Words that change how strong the motion is (a factor on zoom, pan and displacement amplitudes). */
export const intensityWords: readonly { intensity: MotionIntensity; keywords: { en: readonly string[]; zh: readonly string[] } }[] = [
  { intensity: 'gentle', keywords: { en: ['slow', 'slowly', 'gentle', 'gently', 'subtle', 'subtly', 'calm', 'softly', 'light breeze'], zh: ['缓缓', '慢慢', '缓慢', '轻轻', '轻柔', '徐徐', '微微'] } },
  { intensity: 'strong', keywords: { en: ['fast', 'quickly', 'quick', 'rapid', 'rapidly', 'strong', 'strongly', 'dramatic', 'dramatically'], zh: ['快速', '迅速', '很快', '加快', '剧烈', '强烈', '猛烈'] } },
];

/** How strong the motion is: `gentle` ×0.6, `normal` ×1, `strong` ×1.4 on amplitudes. */
export type MotionIntensity = 'gentle' | 'normal' | 'strong';

/** Amplitude factor per intensity; every motion's path is designed to stay inside the picture at `strong`. */
export const intensityFactor: Readonly<Record<MotionIntensity, number>> = { gentle: 0.6, normal: 1, strong: 1.4 };

/** Looks a motion up by id. */
export function motionEntry(id: MotionId): MotionEntry {
  const entry = motionCatalogue.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`motion ${id} is missing from the catalogue`);
  return entry;
}

/** True when `value` is a motion id of the catalogue. */
export function isMotionId(value: unknown): value is MotionId {
  return typeof value === 'string' && (motionIds as readonly string[]).includes(value);
}
