/**
 * The OpenAI-compatible wire format, as zod schemas shared by the client (which validates what a
 * server answers) and `seer serve` (which validates what a client asks). Only the subset seer uses:
 * chat completions with text and data-URL images, image generations as base64, the model list and
 * the error body. Unknown fields are accepted and ignored on both sides, as the spec's clients do.
 *
 * Extension: a choice may carry `seer: { valid_format, probability_a }`, which `seer serve` fills
 * from SEER-Mini's parser and judge; other servers omit it and the client does without.
 */
import { z } from 'zod';

export const imagePartSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.string().optional() }),
});
export const textPartSchema = z.object({ type: z.literal('text'), text: z.string() });
export const contentPartSchema = z.discriminatedUnion('type', [textPartSchema, imagePartSchema]);
export type ContentPart = z.infer<typeof contentPartSchema>;

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(contentPartSchema)]).nullable(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const chatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional(),
  n: z.number().int().min(1).max(8).optional(),
  seed: z.number().int().optional(),
  stream: z.boolean().optional(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const seerExtensionSchema = z.object({
  valid_format: z.boolean().optional(),
  probability_a: z.number().min(0).max(1).optional(),
});

export const chatResponseSchema = z.object({
  id: z.string().optional(),
  object: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        index: z.number().int().optional(),
        message: z.object({ role: z.string().optional(), content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
        seer: seerExtensionSchema.optional(),
      }),
    )
    .min(1),
});
export type ChatResponse = z.infer<typeof chatResponseSchema>;

export const imagesRequestSchema = z.object({
  model: z.string().min(1).optional(),
  prompt: z.string().min(1).max(4000),
  n: z.number().int().min(1).max(8).optional(),
  size: z.string().optional(),
  response_format: z.enum(['b64_json', 'url']).optional(),
  /** Extension (not in OpenAI's API): a seed for reproducible images; image i uses seed + i. */
  seed: z.number().int().optional(),
});
export type ImagesRequest = z.infer<typeof imagesRequestSchema>;

export const imagesResponseSchema = z.object({
  created: z.number().optional(),
  data: z.array(z.object({ b64_json: z.string().min(1).optional(), url: z.string().optional(), revised_prompt: z.string().optional() })).min(1),
});
export type ImagesResponse = z.infer<typeof imagesResponseSchema>;

export const modelsResponseSchema = z.object({
  object: z.literal('list').optional(),
  data: z.array(z.object({ id: z.string(), object: z.string().optional(), owned_by: z.string().optional() })),
});

export const errorBodySchema = z.object({
  error: z.object({ message: z.string(), type: z.string().optional(), param: z.string().nullable().optional(), code: z.string().nullable().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
