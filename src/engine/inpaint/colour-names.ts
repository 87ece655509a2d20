/**
 * Colour names understood by masked recolouring ("make it red", "变成红色"), in English and Chinese, with the sRGB
 * value each one aims for. Lightness modifiers ("light blue", "深红") are handled by {@link lightnessModifiers}.
 */
export interface NamedColour {
  /** Stable id, used in `applied` (e.g. `recolour:red`). */
  id: string;
  rgb: readonly [number, number, number];
  /** Lower-case English names; multi-word names are matched as phrases. */
  en: readonly string[];
  /** Chinese names, without the optional trailing 色. */
  zh: readonly string[];
}

export const namedColours: readonly NamedColour[] = [
  { id: 'red', rgb: [210, 30, 35], en: ['red', 'scarlet', 'crimson'], zh: ['红', '大红', '鲜红', '朱红'] },
  { id: 'dark-red', rgb: [128, 20, 35], en: ['maroon', 'burgundy', 'wine red'], zh: ['酒红', '暗红', '枣红', '栗'] },
  { id: 'orange', rgb: [240, 130, 20], en: ['orange'], zh: ['橙', '橘', '橘黄', '橙黄'] },
  { id: 'yellow', rgb: [245, 215, 30], en: ['yellow'], zh: ['黄', '明黄', '柠檬黄'] },
  { id: 'gold', rgb: [212, 170, 55], en: ['gold', 'golden'], zh: ['金', '金黄'] },
  { id: 'lime', rgb: [150, 210, 40], en: ['lime', 'lime green', 'chartreuse'], zh: ['黄绿', '草绿', '嫩绿'] },
  { id: 'green', rgb: [40, 160, 60], en: ['green', 'emerald'], zh: ['绿', '翠绿'] },
  { id: 'olive', rgb: [120, 125, 45], en: ['olive', 'olive green', 'khaki'], zh: ['橄榄绿', '橄榄', '军绿'] },
  { id: 'teal', rgb: [20, 130, 130], en: ['teal'], zh: ['蓝绿', '墨绿'] },
  { id: 'turquoise', rgb: [50, 200, 190], en: ['turquoise', 'aqua', 'cyan'], zh: ['青', '青绿', '湖蓝', '绿松石'] },
  { id: 'sky-blue', rgb: [110, 180, 235], en: ['sky blue', 'light blue', 'baby blue'], zh: ['天蓝', '浅蓝', '淡蓝'] },
  { id: 'blue', rgb: [35, 85, 210], en: ['blue', 'azure', 'cobalt'], zh: ['蓝', '宝蓝'] },
  { id: 'navy', rgb: [25, 35, 95], en: ['navy', 'navy blue', 'dark blue'], zh: ['藏青', '海军蓝', '深蓝', '藏蓝'] },
  { id: 'purple', rgb: [125, 50, 175], en: ['purple', 'violet'], zh: ['紫', '紫罗兰'] },
  { id: 'lavender', rgb: [185, 160, 225], en: ['lavender', 'lilac'], zh: ['淡紫', '薰衣草'] },
  { id: 'magenta', rgb: [210, 40, 160], en: ['magenta', 'fuchsia'], zh: ['品红', '洋红', '玫红', '玫瑰红'] },
  { id: 'pink', rgb: [240, 140, 180], en: ['pink', 'rose'], zh: ['粉', '粉红', '桃红'] },
  { id: 'brown', rgb: [125, 80, 45], en: ['brown', 'chocolate', 'coffee'], zh: ['棕', '褐', '咖啡', '巧克力'] },
  { id: 'beige', rgb: [225, 205, 165], en: ['beige', 'cream', 'tan'], zh: ['米', '米黄', '奶油', '卡其'] },
  { id: 'silver', rgb: [190, 192, 198], en: ['silver'], zh: ['银', '银白'] },
  { id: 'grey', rgb: [128, 128, 128], en: ['grey', 'gray'], zh: ['灰'] },
  { id: 'white', rgb: [245, 245, 245], en: ['white'], zh: ['白', '纯白'] },
  { id: 'black', rgb: [20, 20, 22], en: ['black'], zh: ['黑', '纯黑'] },
];

/** Words that make the named colour lighter or darker: CIE L* is moved by `lightnessShift`. */
export const lightnessModifiers: readonly { en: readonly string[]; zh: readonly string[]; lightnessShift: number }[] = [
  { en: ['light', 'pale', 'pastel', 'bright'], zh: ['浅', '淡', '亮'], lightnessShift: 18 },
  { en: ['dark', 'deep'], zh: ['深', '暗'], lightnessShift: -18 },
];
