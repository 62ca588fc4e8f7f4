/**
 * Stand-in for lru-cache (16 KB) inside mqtt.js, which uses it only for MQTT 5 topic aliases
 * (TopicAliasSend). The lab speaks MQTT 3.1.1, so this never holds much; it keeps the API
 * mqtt.js calls: get/set/size/clear and keys() from most to least recently used.
 */
export class LRUCache<K, V> {
  private readonly map = new Map<K, V>();
  private readonly max: number;

  constructor(opts: { max: number }) {
    this.max = Math.max(1, opts.max);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key) as V;
    this.map.delete(key); // re-insert: Map order is least → most recently used
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): this {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
    return this;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  *keys(): IterableIterator<K> {
    yield* [...this.map.keys()].reverse();
  }
}
