import { type ContentMarkers, type MarkerHit, scanForMarkers } from '../engine/content-markers.js';
import type { ChatTool } from '../engine/generate-chat.js';
import { isJsonSchema } from '../engine/json-schema-value.js';
import { Hasher, hashString } from '../engine/prng.js';
import { PromptMeter } from '../engine/prompt-meter.js';
import { invalidRequest } from '../engine/sandbox-error.js';
import type { Encoder } from '../engine/tokenizer.js';
import type { ContentBody, GenerateRequestBody, PartBody } from './gemini-request-schema.js';
import { fieldError } from './google-field-error.js';
import { openApiToJsonSchema } from './openapi-to-json-schema.js';

// Gemini bills an image (≤ 384 px, or each 768 px tile) as 258 tokens; PDFs pages and other media are
// counted the same here, a rough constant that keeps usage plausible.
const MEDIA_TOKENS = 258;
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

export interface GeminiPrompt {
  tokens: number;
  /** Prefix fingerprints for the implicit cache (every 128 tokens from 1,024 on). */
  boundaries: readonly string[];
  /** Hash of everything that should change the answer; the caller adds generation settings. */
  seed: Hasher;
  markers: MarkerHit;
  /** Text of the last user turn that has text. */
  lastUserText: string;
  /** Function responses closing the conversation: the answer reports on them. */
  toolResults: { name: string; content: string }[];
  tools: ChatTool[];
  /** Characters of text, for Vertex's `totalBillableCharacters`. */
  characters: number;
}

type PromptBody = Pick<GenerateRequestBody, 'contents' | 'systemInstruction' | 'tools'>;

/**
 * One pass over a generateContent (or countTokens) body: counts prompt tokens in the order the model
 * sees them (system instruction, tools, contents, so a long shared prefix is cacheable), feeds the
 * generation seed, finds safety markers and checks what Google checks (roles, empty parts, function names).
 *
 * @example
 * const prompt = readGeminiPrompt(body, encoder, markers, 'GenerateContentRequest');
 */
export function readGeminiPrompt(
  body: PromptBody,
  encoder: Encoder,
  contentMarkers: ContentMarkers,
  request: string,
): GeminiPrompt {
  const reader = new PromptReader(encoder, contentMarkers, request);
  if (body.systemInstruction !== undefined) {
    for (const part of body.systemInstruction.parts ?? [])
      reader.addPart(part, ['system_instruction', 'parts']);
  }
  const tools = reader.addTools(body.tools ?? []);
  const contents = body.contents ?? [];
  if (contents.length === 0) throw fieldError(request, ['contents'], 'contents is not specified');
  contents.forEach((content, index) => {
    reader.addContent(content, index);
  });
  return { ...reader.result(), tools };
}

class PromptReader {
  private readonly meter: PromptMeter;
  private readonly seed = new Hasher();
  private readonly markers: MarkerHit = { blockPrompt: undefined, blockOutput: undefined };
  private lastUserText = '';
  private toolResults: { name: string; content: string }[] = [];
  private characters = 0;

  constructor(
    encoder: Encoder,
    private readonly contentMarkers: ContentMarkers,
    private readonly request: string,
  ) {
    this.meter = new PromptMeter(encoder);
  }

  result(): Omit<GeminiPrompt, 'tools'> {
    return {
      tokens: this.meter.tokens,
      boundaries: this.meter.boundaries,
      seed: this.seed,
      markers: this.markers,
      lastUserText: this.lastUserText,
      toolResults: this.toolResults,
      characters: this.characters,
    };
  }

  addTools(tools: NonNullable<GenerateRequestBody['tools']>): ChatTool[] {
    const declared: ChatTool[] = [];
    tools.forEach((tool, toolIndex) => {
      (tool.functionDeclarations ?? []).forEach((declaration, index) => {
        if (!FUNCTION_NAME.test(declaration.name)) {
          throw fieldError(
            this.request,
            ['tools', toolIndex, 'functionDeclarations', index, 'name'],
            'Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.',
          );
        }
        const definition = JSON.stringify(declaration);
        this.addText(definition);
        const jsonSchema = declaration.parametersJsonSchema;
        const parameters = isJsonSchema(jsonSchema)
          ? jsonSchema
          : declaration.parameters === undefined
            ? undefined
            : openApiToJsonSchema(declaration.parameters);
        declared.push({ name: declaration.name, parameters });
      });
    });
    return declared;
  }

  addContent(content: ContentBody, index: number): void {
    const role = content.role ?? 'user';
    if (role !== 'user' && role !== 'model' && role !== 'function') {
      throw invalidRequest('Please use a valid role: user, model.', `contents[${index}].role`);
    }
    const parts = content.parts ?? [];
    if (parts.length === 0) {
      throw fieldError(this.request, ['contents', index, 'parts'], 'contents.parts must not be empty.');
    }
    this.meter.addOpaque(1, hashString(role));
    this.seed.update(role);
    const texts: string[] = [];
    const responses: { name: string; content: string }[] = [];
    parts.forEach((part, partIndex) => {
      const text = this.addPart(part, ['contents', index, 'parts', partIndex]);
      if (text !== undefined && part.thought !== true) texts.push(text);
      if (part.functionResponse) {
        responses.push({
          name: part.functionResponse.name,
          content: JSON.stringify(part.functionResponse.response),
        });
      }
    });
    if (role === 'model') {
      this.toolResults = [];
      return;
    }
    this.toolResults = responses;
    if (texts.length > 0) this.lastUserText = texts.join('\n');
  }

  /** Adds one part; returns its text when it is a text part. */
  addPart(part: PartBody, path: (string | number)[]): string | undefined {
    if (part.text !== undefined) {
      this.addText(part.text);
      return part.text;
    }
    if (part.functionCall) {
      this.addText(part.functionCall.name);
      this.addText(JSON.stringify(part.functionCall.args ?? {}));
    } else if (part.functionResponse) {
      this.addText(part.functionResponse.name);
      this.addText(JSON.stringify(part.functionResponse.response));
    } else if (part.inlineData) {
      this.meter.addOpaque(MEDIA_TOKENS, hashString(part.inlineData.data));
      this.seed.update(part.inlineData.data);
    } else if (part.fileData) {
      this.meter.addOpaque(MEDIA_TOKENS, hashString(part.fileData.fileUri));
      this.seed.update(part.fileData.fileUri);
    } else if (part.executableCode !== undefined || part.codeExecutionResult !== undefined) {
      this.addText(JSON.stringify(part.executableCode ?? part.codeExecutionResult));
    } else {
      throw fieldError(
        this.request,
        [...path, 'data'],
        "required oneof field 'data' must have one initialized field",
      );
    }
    return undefined;
  }

  private addText(text: string): void {
    this.meter.addText(text);
    this.seed.update(text);
    this.characters += text.replace(/\s/g, '').length;
    scanForMarkers(text, this.contentMarkers, this.markers);
  }
}
