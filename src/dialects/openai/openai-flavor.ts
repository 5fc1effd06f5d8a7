import type { WireFlavor } from './wire-flavor.js';
import { openAIErrorResponse } from './write-error.js';

/** The OpenAI dialect itself: `x-request-id` (the SDK's `requestID`) and OpenAI's error shape. */
export const openAIFlavor: WireFlavor = {
  dialect: 'openai',
  requestIdHeaders: (requestId) => ({ 'x-request-id': requestId }),
  errorResponse: openAIErrorResponse,
};
