import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import type { Warning } from '../../providers/spec/warning.ts';
import {
  intensityWords,
  isMotionId,
  motionCatalogue,
  motionEntry,
  motionIds,
  subjectActions,
  type MotionId,
  type MotionIntensity,
} from './motion-catalogue.ts';

/** What the engine understood from `motion` and `prompt`. */
export interface MotionChoice {
  motion: MotionId;
  intensity: MotionIntensity;
  warnings: Warning[];
  /** For logs and responses, e.g. `["cloud-drift", "gentle"]`. */
  applied: string[];
}

interface KeywordSet {
  en: readonly string[];
  zh: readonly string[];
}

/**
 * Chooses the motion: an explicit `motion` id wins; otherwise the prompt's keywords (English and Chinese) decide;
 * no prompt means Ken Burns. A prompt asking a subject to act gets camera motion and an `unsupported` warning,
 * because no subject is ever animated. Throws `parameter_invalid` for an unknown motion id.
 */
export function chooseMotion(request: { prompt?: string; motion?: string }): MotionChoice {
  if (request.motion !== undefined && !isMotionId(request.motion)) {
    throw new GatewayError('parameter_invalid', {
      parameter: 'motion',
      expected: `one of: ${motionIds.join(', ')}`,
      received: describeReceived(request.motion),
    });
  }
  const prompt = request.prompt?.trim() ?? '';
  const warnings: Warning[] = [];
  const intensity = prompt ? intensityOf(prompt) : 'normal';

  const scored = motionCatalogue
    .map((entry) => ({ entry, hits: matchedKeywords(prompt, entry.keywords) }))
    .filter((candidate) => candidate.hits.length > 0)
    .sort((first, second) => second.hits.length - first.hits.length);
  const actions = subjectActions
    .map((action) => ({ action, hits: matchedKeywords(prompt, action.keywords) }))
    .filter((candidate) => candidate.hits.length > 0);

  let motion: MotionId;
  if (request.motion !== undefined) {
    motion = request.motion;
  } else if (scored.length > 0) {
    motion = scored[0].entry.id;
    const alsoAsked = scored.slice(1).map((candidate) => candidate.entry.id);
    if (alsoAsked.length > 0) {
      warnings.push({
        type: 'unsupported',
        feature: 'prompt',
        details: `one motion is rendered per video: applied ${motion}; the prompt also suggested ${alsoAsked.join(', ')}`,
      });
    }
  } else if (actions.length > 0) {
    motion = actions[0].action.camera;
  } else {
    motion = 'ken-burns';
    if (prompt) {
      warnings.push({ type: 'fallback', feature: 'prompt', details: `no motion was recognised in the prompt; applied ${motion} camera motion` });
    }
  }

  if (actions.length > 0) {
    const words = actions.flatMap((candidate) => candidate.hits);
    const kind = motionEntry(motion).kind === 'camera' ? 'camera motion' : 'region motion (the subject itself stays still)';
    warnings.push({
      type: 'unsupported',
      feature: 'prompt',
      details: `the prompt asks the subject to act (${words.map((word) => `"${word}"`).join(', ')}); subject motion is not generated; applied ${motion} ${kind}`,
    });
  }
  return { motion, intensity, warnings, applied: intensity === 'normal' ? [motion] : [motion, intensity] };
}

/** `gentle` or `strong` when the prompt says so (the side with more matching words wins), else `normal`. */
function intensityOf(prompt: string): MotionIntensity {
  let best: MotionIntensity = 'normal';
  let bestHits = 0;
  let tie = false;
  for (const entry of intensityWords) {
    const hits = matchedKeywords(prompt, entry.keywords).length;
    if (hits > bestHits) {
      best = entry.intensity;
      bestHits = hits;
      tie = false;
    } else if (hits > 0 && hits === bestHits) {
      tie = true;
    }
  }
  return tie ? 'normal' : best;
}

const patternCache = new Map<string, RegExp>();

/** The keywords of `set` found in `prompt`: English as whole words or phrases, Chinese as substrings. */
export function matchedKeywords(prompt: string, set: KeywordSet): string[] {
  if (!prompt) return [];
  const lower = prompt.toLowerCase();
  const hits: string[] = [];
  for (const keyword of set.en) if (englishPattern(keyword).test(lower)) hits.push(keyword);
  for (const keyword of set.zh) if (lower.includes(keyword.toLowerCase())) hits.push(keyword);
  // "zoom in" and "zoom-in" are one request, not two.
  return [...new Set(hits.map((hit) => hit.replace(/-/g, ' ')))];
}

function englishPattern(keyword: string): RegExp {
  let pattern = patternCache.get(keyword);
  if (!pattern) {
    const escaped = keyword.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[ -]/g, '[\\s-]+');
    // Latin letters and digits around the keyword mean it is part of a longer word ("lightning" is not "light");
    // Chinese characters do not, so "镜头zoom in" still matches.
    pattern = new RegExp(`(?<![a-z0-9])${escaped}(?![a-z0-9])`);
    patternCache.set(keyword, pattern);
  }
  return pattern;
}
