/**
 * The MQTT connection for the labs whose peers live in separate pages (the two-device lab,
 * the watch mode): this browser's tabs (a broker hub in a SharedWorker), or a real broker.
 */
import type { BrokerConnection, ConnectOptions } from '../../lib/broker/types';
import { IN_PAGE, parseLabParams, type LabParams } from '../../lib/lab/params';

/** The broker shared by this browser's tabs (a SharedWorker), see src/lib/broker/tabs.ts. */
export const TABS = 'tabs';
/** The tabs hub as a choice in a broker list. */
export const TABS_PRESET = { url: TABS, label: "This browser's tabs (no server, no wire)" } as const;

let tabsWorker: { port: MessagePort } | undefined;

/** The broker connection: the tabs hub in a SharedWorker, or connectBroker for real brokers. */
export async function connectFor(broker: string, opts: ConnectOptions): Promise<BrokerConnection> {
  if (broker !== TABS) {
    const { connectBroker } = await import('../../lib/broker/connect');
    return connectBroker(opts);
  }
  if (typeof SharedWorker === 'undefined') throw new Error("this browser has no SharedWorker, so its tabs cannot share a broker; choose a real broker in Settings");
  const [{ connectTabs }, { default: TabsWorker }] = await Promise.all([
    import('../../lib/broker/tabs'),
    import('../../lib/broker/tabs-worker?sharedworker'),
  ]);
  tabsWorker ??= new TabsWorker();
  const locks = typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : undefined;
  return connectTabs(
    { clientId: opts.clientId, will: opts.will },
    {
      port: tabsWorker.port,
      ...(locks ? { locks } : {}),
      onPageHide: (fn) => addEventListener('pagehide', fn, { once: true }),
    },
  );
}

/**
 * The lab parameters of a page whose peers live in other pages: its broker is this browser's
 * tabs unless ?broker= names a real one. The in-page broker lives inside one page, so asking
 * for it is reported and the tabs are used instead.
 */
export function separatePageParams(search: URLSearchParams): { params: LabParams; broker: string; errors: string[] } {
  const s = new URLSearchParams(search);
  const asked = s.get('broker');
  const errors: string[] = [];
  if (asked === TABS || asked === IN_PAGE) s.delete('broker');
  if (asked === IN_PAGE) errors.push("broker: the in-page broker lives inside one page, so this mode uses this browser's tabs instead");
  const params = parseLabParams(s);
  const broker = asked === null || asked === TABS || asked === IN_PAGE || params.broker === IN_PAGE ? TABS : params.broker;
  return { params, broker, errors };
}
