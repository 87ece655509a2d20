import { lightnessModifiers, namedColours, type NamedColour } from './colour-names.ts';

/**
 * What a prompt asks for inside a mask, in English or Chinese: remove the masked content (fill it from its
 * surroundings), recolour it, or something else (a style or edit the engine's catalogue may understand, or nothing).
 * Separately, whether the prompt asks to *generate* new content ("add a hat", "加一顶帽子"), which classical
 * inpainting cannot do and must say so.
 */
export type MaskIntent =
  | { kind: 'remove' }
  | { kind: 'recolour'; colour: NamedColour; lightnessShift: number }
  | { kind: 'other' };

export interface MaskPromptReading {
  intent: MaskIntent;
  /** The words that asked for new content, when the prompt did, e.g. `add a hat`. */
  generationPhrase?: string;
}

/** For warnings: what a masked prompt can ask for. */
export const understoodMaskPrompts =
  'remove / erase / delete / fill (去掉, 删除, 移除, 擦除) to fill the area from its surroundings; a colour such as "make it red" or "turn it light blue" (变成红色, 改成蓝色) to recolour it; or a style or edit from GET /v1/styles to apply it only inside the mask';

const removePatterns = [
  /\b(?:remove|erase|delete|eliminate|inpaint|retouch|get rid of|take (?:out|away|off)|clean (?:up|out)|clear (?:away|out)|wipe (?:out|away|off)|cut out)\b/,
  // "fill it with red" is a recolour, "fill (in) the hole" a removal.
  /\bfill\b(?!\s+(?:(?:it|this|that|them|the\s+\w+)\s+)?(?:in\s+)?with\b)/,
  /去掉|去除|删除|删掉|移除|移走|擦除|擦掉|抹去|抹掉|清除|消除|除去|拿掉|填充|填补|修复|不要/,
];

const generationPatterns = [
  /\b(?:add|put|place|insert|draw|generate|create|paste)\s+(?:a|an|one|two|three|four|five|\d+)(?:\s+[\p{L}-]+){1,2}/u,
  /\b(?:turn|change|make|transform|convert)\s+(?:it|this|that|them|him|her)\s+into\s+(?:a|an)\s+[\p{L}-]+/u,
  /\bmake\s+(?:it|this|that)\s+(?:a|an)\s+[\p{L}-]+/u,
  /\breplace\b[^.,;]*?\bwith\s+[\p{L}\s-]{1,30}/u,
  /\bswap\b[^.,;]*?\b(?:for|with)\s+[\p{L}\s-]{1,30}/u,
  /(?:添加|加上|加一|加个|放上|放一|放个|画一|画个|画上|插入|生成一|替换成|替换为|换成一|变成一|改成一)[\p{Script=Han}]{0,6}/u,
];
/** "Add more details", "添加细节" are catalogue edits, not new objects. */
const catalogueEditPattern = /\badd\s+more\b|添加(?:更多|细节|色彩|颜色|对比|亮度|光)/;

const recolourVerbPattern = /\b(?:make|turn|change|paint|fill|colou?r|recolou?r|dye|tint|switch|set)\b|变成|改成|换成|改为|变为|换为|染成|涂成|刷成|漆成|调成|弄成/;
const chineseRecolourVerbs = '(?:变成|改成|换成|改为|变为|换为|染成|涂成|刷成|漆成|调成|弄成|变|改|换|染|涂)';
/** "Black and white" names a style, not a colour. */
const blackAndWhitePattern = /\bblack[\s-]*(?:and|&)[\s-]*white\b|\bb\s*[&/]\s*w\b|黑白/g;
/** Words that carry no request of their own, for telling "red" (a recolour) from "a red hat" (not one). */
const fillerPattern = /\b(?:it|its|the|this|that|these|those|them|a|an|to|into|in|as|all|area|region|mask|masked|selection|selected|part|colou?r|please|just|only|here)\b|[色的成请把它这那些个区域部分里面颜]|[\s\p{P}]/gu;

interface ColourMatch {
  colour: NamedColour;
  lightnessShift: number;
  start: number;
  end: number;
  afterTarget: boolean;
}

/** Reads a prompt given together with a mask. Remove wins over recolour, which wins over everything else. */
export function readMaskPrompt(prompt: string | undefined): MaskPromptReading {
  const text = (prompt ?? '').toLowerCase().normalize('NFKC').trim();
  if (text.length === 0) return { intent: { kind: 'other' } };
  const generationPhrase = findGenerationPhrase(text);
  if (removePatterns.some((pattern) => pattern.test(text))) return { intent: { kind: 'remove' }, generationPhrase };
  const colours = findColours(text.replace(blackAndWhitePattern, ' '));
  if (colours.length > 0) {
    const residual = stripMatches(text.replace(blackAndWhitePattern, ' '), colours).replace(fillerPattern, '');
    if (recolourVerbPattern.test(text) || residual.length === 0) {
      const chosen = colours.filter((match) => match.afterTarget).pop() ?? colours[colours.length - 1];
      return { intent: { kind: 'recolour', colour: chosen.colour, lightnessShift: chosen.lightnessShift } };
    }
  }
  return { intent: { kind: 'other' }, generationPhrase };
}

function findGenerationPhrase(text: string): string | undefined {
  if (catalogueEditPattern.test(text)) return undefined;
  for (const pattern of generationPatterns) {
    const match = pattern.exec(text);
    if (match) return match[0].trim().slice(0, 40);
  }
  return undefined;
}

const englishModifiers = lightnessModifiers.flatMap((modifier) => modifier.en.map((word) => ({ word, shift: modifier.lightnessShift })));
const chineseModifiers = lightnessModifiers.flatMap((modifier) => modifier.zh.map((word) => ({ word, shift: modifier.lightnessShift })));
const englishNames = namedColours.flatMap((colour) => colour.en.map((name) => ({ name, colour }))).sort((first, second) => second.name.length - first.name.length);
const chineseNames = namedColours.flatMap((colour) => colour.zh.map((name) => ({ name, colour }))).sort((first, second) => second.name.length - first.name.length);

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const englishColourPattern = new RegExp(
  `(\\b(?:to|into|in)\\s+(?:a\\s+|an\\s+)?)?\\b(?:(${englishModifiers.map((modifier) => escape(modifier.word)).join('|')})[\\s-]+)?(${englishNames.map((entry) => escape(entry.name).replace(/ /g, '[\\s-]+')).join('|')})\\b`,
  'g',
);
// A Chinese colour counts when 色 follows it or a recolour verb precedes it: "红" alone also appears in other words.
const chineseColourPattern = new RegExp(
  `(${chineseRecolourVerbs})?(${chineseModifiers.map((modifier) => escape(modifier.word)).join('|')})?(${chineseNames.map((entry) => escape(entry.name)).join('|')})(色)?`,
  'g',
);

function findColours(text: string): ColourMatch[] {
  const matches: ColourMatch[] = [];
  for (const match of text.matchAll(englishColourPattern)) {
    const name = match[3].replace(/[\s-]+/g, ' ');
    const entry = englishNames.find((candidate) => candidate.name === name);
    if (!entry) continue;
    const shift = match[2] ? (englishModifiers.find((modifier) => modifier.word === match[2])?.shift ?? 0) : 0;
    matches.push({ colour: entry.colour, lightnessShift: shift, start: match.index, end: match.index + match[0].length, afterTarget: match[1] !== undefined });
  }
  for (const match of text.matchAll(chineseColourPattern)) {
    const verb = match[1];
    if (!verb && !match[4]) continue;
    const entry = chineseNames.find((candidate) => candidate.name === match[3]);
    if (!entry) continue;
    const shift = match[2] ? (chineseModifiers.find((modifier) => modifier.word === match[2])?.shift ?? 0) : 0;
    matches.push({ colour: entry.colour, lightnessShift: shift, start: match.index, end: match.index + match[0].length, afterTarget: verb !== undefined });
  }
  return matches.sort((first, second) => first.start - second.start);
}

function stripMatches(text: string, matches: ColourMatch[]): string {
  let result = '';
  let position = 0;
  for (const match of matches) {
    result += text.slice(position, match.start) + ' ';
    position = match.end;
  }
  return result + text.slice(position);
}
