/**
 * The catalogue the seeded world draws from: the four workflows, what their steps receive and
 * produce, and the word lists behind the inputs. Data, mostly; the generator is passed in so each
 * draw happens where the world builder asks for it.
 */
import type { Rng } from '../random.ts';
import { SECOND } from './time.ts';
import type { StepKind, WorkflowDef } from './workflows.ts';

export const subjects = [
  'a lighthouse on a stormy coast',
  'a red fox in fresh snow',
  'a neon-lit Tokyo alley at night',
  'a cozy reading nook with a cat',
  'an astronaut tending a greenhouse on Mars',
  'a vintage bicycle against a yellow wall',
  'a koi pond in autumn',
  'a mountain cabin under the northern lights',
  'a steampunk airship over London',
  'a bowl of ramen with steam rising',
];
const styles = ['watercolor', 'photorealistic', 'isometric', 'oil painting', 'pixel art', 'line art'];
const products = [
  'Aurora Wireless Earbuds',
  'Trailblazer 40L Backpack',
  'Cedar & Sage Soy Candle',
  'Nimbus Memory Foam Pillow',
  'Forge Cast-Iron Skillet',
  'Pulse Smart Water Bottle',
  'Atlas Standing Desk',
  'Velvet Matte Lipstick',
];
const tones = ['playful', 'premium', 'friendly', 'technical', 'minimal'];
const audiences = ['busy parents', 'outdoor enthusiasts', 'remote workers', 'home cooks', 'students'];
const stories = [
  'tell an epic story of a rat graduating from law',
  'a lonely robot learns to paint',
  'two snails race across a garden',
  'a dragon who is afraid of the dark',
  'the last bookshop on the moon',
  'a detective penguin solves a fish heist',
];
const vendors = ['Acme Office Supplies Ltd', 'Northwind Traders', 'Globex Logistics GmbH', 'Initech Consulting', 'Umbrella Catering Co'];
const currencies = ['USD', 'EUR', 'GBP', 'TRY'];
export const aspectRatios = ['1:1', '16:9', '4:3', '9:16'];

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Where the world's images live; a running simulator serves them under its own origin instead (media.ts). */
export const imageBase = 'https://storage.googleapis.com/eachlabs-sim';

export function imageUrls(executionOrPrediction: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${imageBase}/${executionOrPrediction}/${i + 1}.png`);
}

export function duration(rng: Rng, kind: StepKind): number {
  if (kind === 'image') return rng.int(15, 70) * SECOND;
  if (kind === 'structured') return rng.int(6, 30) * SECOND;
  return rng.int(4, 25) * SECOND;
}

export function costOf(rng: Rng, kind: StepKind): number {
  if (kind === 'image') return rng.float(0.03, 0.12, 4);
  if (kind === 'structured') return rng.float(0.01, 0.04, 4);
  return rng.float(0.003, 0.02, 4);
}

export interface StepContent {
  readonly params: Record<string, unknown>;
  readonly output: unknown;
}

export interface WorkflowKind {
  readonly def: WorkflowDef;
  inputs(rng: Rng): Record<string, string>;
  /** Resolved params and outputs of each step, in order (later steps see earlier outputs). */
  content(rng: Rng, executionId: string, inputs: Record<string, string>): StepContent[];
}

/** A workflow kind before the world's generator gives its workflow an id. */
type KindSpec = Omit<WorkflowDef, 'id'> & Omit<WorkflowKind, 'def'>;

const input = (inputs: Record<string, string>, key: string): string => inputs[key] ?? '';

const textToImage: KindSpec = {
  slug: 'text-to-image-generator',
  name: 'Text to Image Generator',
  steps: [
    { stepId: 'step1', name: 'Expand prompt', kind: 'text', model: 'openai-chatgpt-5', version: '0.0.1' },
    { stepId: 'step2', name: 'Generate image', kind: 'image', model: 'nano-banana-pro', version: '0.0.1' },
  ],
  inputs: (r) => ({ prompt: r.pick(subjects), style: r.pick(styles) }),
  content: (r, id, inputs) => {
    const prompt = `${capitalise(input(inputs, 'style'))} image of ${input(inputs, 'prompt')}, golden-hour lighting, shallow depth of field, highly detailed`;
    const count = r.int(1, 4);
    return [
      {
        params: {
          system_prompt: 'You expand short image ideas into detailed prompts.',
          user_prompt: `${input(inputs, 'prompt')} (${input(inputs, 'style')})`,
          max_output_tokens: 256,
        },
        output: prompt,
      },
      {
        params: { prompt, num_images: count, aspect_ratio: r.pick(aspectRatios), resolution: '1K', output_format: 'png' },
        output: imageUrls(id, count),
      },
    ];
  },
};

const productWriter: KindSpec = {
  slug: 'product-description-writer',
  name: 'Product Description Writer',
  steps: [
    { stepId: 'step1', name: 'Draft copy', kind: 'text', model: 'gemini-2-5-flash', version: '0.0.1' },
    { stepId: 'step2', name: 'Polish copy', kind: 'text', model: 'openai-chatgpt-5', version: '0.0.1' },
  ],
  inputs: (r) => ({ product_name: r.pick(products), tone: r.pick(tones), audience: r.pick(audiences) }),
  content: (_r, _id, inputs) => {
    const product = input(inputs, 'product_name');
    const draft = `Meet the ${product}: designed for ${input(inputs, 'audience')}, built to last, and ready for every day. It pairs thoughtful details with materials you can trust, so it simply works when you need it.`;
    return [
      {
        params: {
          system_prompt: 'You write e-commerce product descriptions.',
          user_prompt: `Write a ${input(inputs, 'tone')} description of ${product} for ${input(inputs, 'audience')}.`,
          max_output_tokens: 400,
        },
        output: draft,
      },
      {
        params: { system_prompt: 'Tighten the copy; keep it under 80 words.', user_prompt: draft, max_output_tokens: 200 },
        output: `The ${product}, made for ${input(inputs, 'audience')}. Thoughtful details, trusted materials, and a ${input(inputs, 'tone')} finish that just works.`,
      },
    ];
  },
};

const storyIllustrator: KindSpec = {
  slug: 'story-illustrator',
  name: 'Story Illustrator',
  steps: [
    { stepId: 'step1', name: 'Write story', kind: 'text', model: 'openai-chatgpt-5', version: '0.0.1' },
    { stepId: 'step2', name: 'Illustrate story', kind: 'image', model: 'nano-banana-pro', version: '0.0.1' },
  ],
  inputs: (r) => ({ story: r.pick(stories) }),
  content: (r, id, inputs) => {
    const story = `Once upon a time, ${input(inputs, 'story')}. Against every odd, the hero pressed on, and by the final page the whole town had gathered to cheer.`;
    const count = r.int(2, 4);
    return [
      {
        params: { system_prompt: 'You are a helpful assistant', user_prompt: input(inputs, 'story'), max_output_tokens: 512 },
        output: story,
      },
      {
        params: {
          prompt: `Generate images based on the story: ${story}`,
          num_images: count,
          aspect_ratio: '16:9',
          resolution: '1K',
          output_format: 'png',
        },
        output: imageUrls(id, count),
      },
    ];
  },
};

const invoiceExtractor: KindSpec = {
  slug: 'invoice-extractor',
  name: 'Invoice Extractor',
  steps: [
    { stepId: 'step1', name: 'Read document', kind: 'text', model: 'gemini-2-5-flash', version: '0.0.1' },
    { stepId: 'step2', name: 'Extract fields', kind: 'structured', model: 'openai-chatgpt-5', version: '0.0.1' },
  ],
  inputs: (r) => ({ document_url: `https://files.example.com/invoices/INV-${r.int(10000, 99999)}.pdf`, currency: r.pick(currencies) }),
  content: (r, _id, inputs) => {
    const vendor = r.pick(vendors);
    const number = `INV-${r.int(2025, 2026)}-${String(r.int(1, 9999)).padStart(4, '0')}`;
    const quantity = r.int(1, 12);
    const unitPrice = r.float(4, 250, 2);
    const subtotal = Math.round(quantity * unitPrice * 100) / 100;
    const tax = Math.round(subtotal * 0.2 * 100) / 100;
    const text = `${vendor}\nInvoice ${number}\nIssue date 2026-03-0${r.int(1, 9)}\n${quantity} x Service package @ ${unitPrice}\nSubtotal ${subtotal}\nVAT ${tax}\nTotal ${subtotal + tax}`;
    return [
      {
        params: { document_url: input(inputs, 'document_url'), prompt: 'Transcribe the invoice text.', max_output_tokens: 1024 },
        output: text,
      },
      {
        params: { text, schema: 'invoice_v2', currency: input(inputs, 'currency'), temperature: 0 },
        output: {
          invoice_number: number,
          vendor,
          issue_date: '2026-03-01',
          due_date: '2026-03-31',
          currency: input(inputs, 'currency'),
          subtotal,
          tax,
          total: Math.round((subtotal + tax) * 100) / 100,
          line_items: [{ description: 'Service package', quantity, unit_price: unitPrice }],
        },
      },
    ];
  },
};

/**
 * What the workflows host says of each workflow beyond its steps (`GET /workflows/{id}`), by slug.
 * Not part of the drawn world: nothing here moves the seeded generator.
 */
export const workflowProfiles: Readonly<Record<string, { readonly description: string; readonly categories: readonly string[] }>> = {
  'text-to-image-generator': {
    description: 'Expands a short idea into a detailed prompt, then renders it as images.',
    categories: ['image', 'text'],
  },
  'product-description-writer': {
    description: 'Drafts e-commerce copy for a product, then polishes it for an audience and tone.',
    categories: ['text', 'marketing'],
  },
  'story-illustrator': { description: 'Writes a short story from a one-line premise and illustrates it.', categories: ['text', 'image'] },
  'invoice-extractor': {
    description: 'Reads an invoice document and extracts its fields as structured JSON.',
    categories: ['documents', 'structured'],
  },
};

/** The four workflow kinds; their workflow ids are drawn in this order. */
export function workflowKinds(rng: Rng): WorkflowKind[] {
  return [textToImage, productWriter, storyIllustrator, invoiceExtractor].map(({ slug, name, steps, inputs, content }) => ({
    def: { id: rng.uuid(), slug, name, steps: steps.map((step) => ({ ...step })) },
    inputs,
    content,
  }));
}
