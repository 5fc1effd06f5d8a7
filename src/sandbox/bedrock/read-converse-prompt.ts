import type { ChatTool, ChatToolChoice } from '../engine/generate-chat.js';
import type { JsonSchema } from '../engine/json-schema-value.js';
import { getEncoder } from '../engine/tokenizer.js';
import { validationError } from './bedrock-error.js';
import type { BedrockModel } from './bedrock-models.js';
import type { ContentBlockBody, ConverseRequestBody } from './converse-request-schema.js';
import type { BedrockPrompt } from './generate-bedrock-reply.js';
import { PromptAccumulator } from './prompt-accumulator.js';

// Framing Claude bills around each message and tool (private); constants land near observed counts.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_TOOL = 8;
const TOOLS_BASE_TOKENS = 150;

/** Claude bills an image by area (w·h/750); without decoding, its size in bytes is the proxy. */
export function imageTokens(base64: string | undefined): number {
  const bytes = Math.floor(((base64 ?? '').length * 3) / 4);
  return Math.min(1_600, Math.max(85, Math.ceil(bytes / 100)));
}

function documentTokens(source: { bytes?: string | undefined; text?: string | undefined }): number {
  return Math.max(100, Math.ceil(((source.bytes ?? '').length * 3) / 4 / 8));
}

/**
 * Reads a validated Converse body in prompt order (tools, system, messages), checking what the service
 * checks beyond the schema: turn order, tool-use pairing, model capabilities, output limit, context size.
 */
class ConverseReader {
  private readonly prompt: PromptAccumulator;
  private readonly toolNames = new Map<string, string>();
  private pendingToolUses: { index: number; ids: Set<string> } | undefined;
  private markerSeen = false;

  constructor(
    private readonly model: BedrockModel,
    private readonly marker: string,
  ) {
    this.prompt = new PromptAccumulator(getEncoder(model.encoding), model.id);
  }

  read(body: ConverseRequestBody): BedrockPrompt {
    const maxTokens = body.inferenceConfig?.maxTokens;
    if (maxTokens !== undefined && maxTokens > this.model.maxOutputTokens) {
      const limit = this.model.maxOutputTokens;
      throw validationError(
        `The maximum tokens you requested exceeds the model limit of ${limit}. Try again with a maximum tokens value that is lower than ${limit}.`,
      );
    }
    const { tools, toolChoice } = this.readTools(body);
    this.readSystem(body);
    const { lastUserText, toolResults } = this.readMessages(body);
    if (this.prompt.tokens > this.model.contextWindow)
      throw validationError('Input is too long for requested model.');
    return {
      accumulator: this.prompt,
      lastUserText: lastUserText.replaceAll(this.marker, ' '),
      toolResults,
      tools,
      toolChoice,
      maxTokens,
      stopSequences: body.inferenceConfig?.stopSequences ?? [],
      guardrailMarkerSeen: this.markerSeen,
    };
  }

  private readTools(body: ConverseRequestBody): { tools: ChatTool[]; toolChoice: ChatToolChoice } {
    const config = body.toolConfig;
    if (config === undefined) return { tools: [], toolChoice: 'auto' };
    if (this.model.family === 'titan-text') throw validationError("This model doesn't support tool use.");
    const tools: ChatTool[] = [];
    this.prompt.addOpaque(TOOLS_BASE_TOKENS, 'tools');
    for (const tool of config.tools) {
      if (tool.cachePoint) this.prompt.addCachePoint(tool.cachePoint.ttl);
      if (!tool.toolSpec) continue;
      this.prompt.addText(JSON.stringify(tool.toolSpec));
      this.prompt.addOpaque(TOKENS_PER_TOOL, 'tool');
      tools.push({ name: tool.toolSpec.name, parameters: tool.toolSpec.inputSchema.json as JsonSchema });
    }
    const choice = config.toolChoice;
    if (choice?.tool && !tools.some((tool) => tool.name === choice.tool?.name)) {
      throw validationError(
        `The tool ${choice.tool.name} specified in toolChoice is not defined in toolConfig.tools.`,
      );
    }
    const toolChoice: ChatToolChoice = choice?.tool
      ? { name: choice.tool.name }
      : choice?.any
        ? 'required'
        : 'auto';
    this.prompt.addSeed(`tool_choice:${JSON.stringify(toolChoice)}`);
    return { tools, toolChoice };
  }

  private readSystem(body: ConverseRequestBody): void {
    if (body.system === undefined || body.system.length === 0) return;
    if (this.model.family === 'titan-text') {
      throw validationError(
        "This model doesn't support system messages. Try again without a system message or use a model that supports system messages.",
      );
    }
    this.prompt.addOpaque(TOKENS_PER_MESSAGE, 'system');
    for (const block of body.system) {
      if (block.text !== undefined) this.addText(block.text);
      if (block.guardContent?.text) this.addText(block.guardContent.text.text);
      if (block.cachePoint) this.prompt.addCachePoint(block.cachePoint.ttl);
    }
  }

  private readMessages(body: ConverseRequestBody): Pick<BedrockPrompt, 'lastUserText' | 'toolResults'> {
    const messages = body.messages;
    if (messages[0]?.role !== 'user') {
      throw validationError(
        'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
      );
    }
    let lastUserText = '';
    let toolResults: BedrockPrompt['toolResults'] = [];
    messages.forEach((message, index) => {
      if (index > 0 && messages[index - 1]?.role === message.role) {
        throw validationError(
          'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
        );
      }
      if (message.content.length === 0) {
        throw validationError(
          `The content field in the Message object at messages.${index} is empty. Add a ContentBlock object to the content field and try again.`,
        );
      }
      this.prompt.addOpaque(TOKENS_PER_MESSAGE, message.role);
      const read = this.readContent(message.content, index, message.role === 'user', body);
      if (message.role === 'user') {
        lastUserText = read.text;
        toolResults = read.toolResults;
      } else toolResults = [];
    });
    this.checkToolUsesAnswered();
    if (messages.at(-1)?.role !== 'user' && this.model.family !== 'anthropic') {
      throw validationError(
        'The model that you are using requires the last turn in the conversation to be a user message. Add a user message to the conversation and try again.',
      );
    }
    return { lastUserText, toolResults };
  }

  private readContent(
    content: readonly ContentBlockBody[],
    index: number,
    fromUser: boolean,
    body: ConverseRequestBody,
  ): { text: string; toolResults: BedrockPrompt['toolResults'] } {
    const texts: string[] = [];
    const toolResults: BedrockPrompt['toolResults'] = [];
    if (body.toolConfig === undefined && content.some((block) => block.toolUse || block.toolResult)) {
      throw validationError(
        'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
      );
    }
    if (fromUser) this.checkToolResults(content, index);
    const uses = new Set<string>();
    for (const block of content) {
      if (block.text !== undefined) {
        this.addText(block.text);
        texts.push(block.text);
      } else if (block.toolUse) {
        this.toolNames.set(block.toolUse.toolUseId, block.toolUse.name);
        uses.add(block.toolUse.toolUseId);
        this.prompt.addText(`${block.toolUse.name}${JSON.stringify(block.toolUse.input ?? {})}`);
      } else if (block.toolResult) {
        const result = block.toolResult.content
          .map((part) => part.text ?? (part.json === undefined ? '' : JSON.stringify(part.json)))
          .join('\n');
        this.addText(result);
        toolResults.push({ name: this.toolNames.get(block.toolResult.toolUseId), content: result });
      } else this.readOtherBlock(block);
    }
    if (uses.size > 0) this.pendingToolUses = { index: index + 1, ids: uses };
    return { text: texts.join('\n'), toolResults };
  }

  private readOtherBlock(block: ContentBlockBody): void {
    if (block.image) {
      if (this.model.family !== 'anthropic') {
        throw validationError(
          "This model doesn't support the image content block that you provided. Update the content block and try again.",
        );
      }
      this.prompt.addOpaque(imageTokens(block.image.source.bytes), block.image.source.bytes ?? '');
    } else if (block.document) {
      if (block.document.source.text !== undefined) this.addText(block.document.source.text);
      else this.prompt.addOpaque(documentTokens(block.document.source), block.document.source.bytes ?? '');
    } else if (block.cachePoint) this.prompt.addCachePoint(block.cachePoint.ttl);
    else if (block.guardContent?.text) this.addText(block.guardContent.text.text);
    else if (block.reasoningContent?.reasoningText)
      this.prompt.addText(block.reasoningContent.reasoningText.text);
    else this.prompt.addOpaque(100, JSON.stringify(block));
  }

  /** The user turn after an assistant's toolUse blocks must answer each of them, and nothing else. */
  private checkToolResults(content: readonly ContentBlockBody[], index: number): void {
    const results = content
      .filter((block) => block.toolResult)
      .map((block) => block.toolResult?.toolUseId ?? '');
    const pending = this.pendingToolUses;
    this.pendingToolUses = undefined;
    if (results.length === 0 && pending === undefined) return;
    if (
      pending === undefined ||
      results.length > pending.ids.size ||
      results.some((id) => !pending.ids.has(id))
    ) {
      throw validationError(
        `The number of toolResult blocks at messages.${index}.content exceeds the number of toolUse blocks of previous turn.`,
      );
    }
    const missing = [...pending.ids].filter((id) => !results.includes(id));
    if (missing.length > 0) {
      throw validationError(
        `Expected toolResult blocks at messages.${index}.content for the following Ids: ${missing.join(', ')}`,
      );
    }
  }

  private checkToolUsesAnswered(): void {
    const pending = this.pendingToolUses;
    if (pending === undefined) return;
    throw validationError(
      `Expected toolResult blocks at messages.${pending.index}.content for the following Ids: ${[...pending.ids].join(', ')}`,
    );
  }

  private addText(text: string): void {
    this.prompt.addText(text);
    if (!this.markerSeen && text.includes(this.marker)) this.markerSeen = true;
  }
}

/**
 * Turns a schema-valid Converse body into a BedrockPrompt, or throws the service's ValidationException.
 * @example const prompt = readConversePrompt(body, target.model, options.bedrock.guardrailMarker);
 */
export function readConversePrompt(
  body: ConverseRequestBody,
  model: BedrockModel,
  marker: string,
): BedrockPrompt {
  return new ConverseReader(model, marker).read(body);
}
