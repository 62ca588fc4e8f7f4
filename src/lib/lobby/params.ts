/**
 * The lobby lab's URL parameters, read without loading any lobby code:
 * `?lobby=in-page|ws://…|wss://…` (where the clients connect) and `autoplay=1`.
 */

export const IN_PAGE_SERVER = 'in-page';

/** `lobby=` parameter values: in-page, or a ws:// / wss:// URL. */
export function isLobbyServerUrl(text: string): boolean {
  if (!/^wss?:\/\/\S+$/i.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export interface LobbyLabParams {
  server: string;
  autoplay: boolean;
  /** Why a parameter was ignored, for the reader. */
  errors: string[];
}

/** `?lobby=in-page|ws://…|wss://…&autoplay=1` */
export function parseLobbyParams(search: URLSearchParams): LobbyLabParams {
  const errors: string[] = [];
  let server = IN_PAGE_SERVER;
  const lobby = search.get('lobby');
  if (lobby !== null && lobby !== '' && lobby !== IN_PAGE_SERVER) {
    if (isLobbyServerUrl(lobby)) server = lobby;
    else errors.push(`lobby: "${lobby.slice(0, 60)}" is not in-page or a ws:// or wss:// URL; using the in-page server.`);
  }
  return { server, autoplay: search.get('autoplay') === '1', errors };
}
