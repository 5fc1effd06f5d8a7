/**
 * The fixed word lists deterministic text is drawn from. ASCII only, so every token decodes on its own
 * and streamed pieces concatenate to exactly the non-streamed text. Changing these lists changes every
 * generated answer, so treat them as frozen. Kept as strings so the formatter leaves them compact.
 */

/** Frequent glue words: they make answers read like English and give stop-sequence tests something to hit. */
export const FUNCTION_WORDS: readonly string[] = (
  'the the the and and of of to a in is it that for on with as at by from this we you can will be are ' +
  'or not but so then'
).split(' ');

export const CONTENT_WORDS: readonly string[] = (
  'system river signal garden harbor method planet window lantern meadow engine pattern canvas bridge ' +
  'forest market summit valley marble cotton silver amber copper velvet harvest journey compass anchor ' +
  'beacon cabin candle castle cellar circle cluster comet coral crystal delta desert echo ember falcon ' +
  'feather field fjord flame galaxy glacier granite harmony horizon island jungle kettle ladder lagoon ' +
  'legend lumen maple mirror mosaic nectar needle orbit orchard paddle pebble pepper pillar pixel prairie ' +
  'prism quartz quiver rabbit raven ribbon rocket saddle sapphire shadow shelter spiral spring stream ' +
  'sunset tangent temple thunder timber tunnel velocity voyage willow winter zephyr answer request model ' +
  'token budget region latency capacity gateway cloud record value number bright quiet rapid gentle ' +
  'steady simple careful hidden golden distant ancient modern narrow open silent vivid clever humble ' +
  'honest eager builds carries shapes follows guides measures returns sends holds finds moves turns ' +
  'keeps counts opens reaches writes reads joins grows'
).split(' ');

/** Short JSON-friendly identifiers for generated object keys (json_object mode). */
export const KEY_WORDS: readonly string[] =
  'answer summary title status detail topic note label score items'.split(' ');
