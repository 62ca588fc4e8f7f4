import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

// Chapters live in content/NN-slug.mdx. The frontmatter slug becomes the entry id and the URL.
const chapters = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content' }),
  schema: z.object({
    title: z.string().min(1),
    /** One sentence: shown on the home page and as the meta description. */
    description: z.string().min(1).max(200),
    /** Position in the course; must match the NN prefix of the file name. */
    order: z.number().int().min(1).max(99),
    slug: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug: lower-case words joined by hyphens')
      .refine((s) => !['lab', '404'].includes(s), 'slug: reserved by another page'),
    /** Short label for the header nav; defaults to the title. */
    nav: z.string().optional(),
    /** Drafts build in `astro dev` only. */
    draft: z.boolean().default(false),
  }),
});

export const collections = { chapters };
