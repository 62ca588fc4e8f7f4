import { getCollection, type CollectionEntry } from 'astro:content';

export type Chapter = CollectionEntry<'chapters'>;

/** Published chapters in course order. Drafts show in `astro dev` only. */
export async function getChapters(): Promise<Chapter[]> {
  const all = await getCollection('chapters', ({ data }) => import.meta.env.DEV || !data.draft);
  const seen = new Map<number, string>();
  for (const ch of all) {
    const file = ch.filePath?.split('/').pop() ?? '';
    const expected = `${String(ch.data.order).padStart(2, '0')}-${ch.data.slug}.mdx`;
    if (file && file !== expected) {
      throw new Error(`content/${file}: order and slug say it should be named ${expected}`);
    }
    const other = seen.get(ch.data.order);
    if (other) throw new Error(`chapters ${other} and ${ch.data.slug} share order ${ch.data.order}`);
    seen.set(ch.data.order, ch.data.slug);
  }
  return all.sort((a, b) => a.data.order - b.data.order);
}
