declare module 'astro' {
  interface AstroClientDirectives {
    /** Hydrate when the reader reaches for the island; see src/components/site/interact-directive.ts. */
    'client:interact'?: boolean;
  }
}
export {};
