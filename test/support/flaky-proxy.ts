import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of the app, at an address that stays the same while the
 * server behind it stops and starts (a browser's service worker and IndexedDB belong to one
 * origin). While `down`, or with no server behind it, every connection is cut, as a lost
 * signal does; `loseAnswers` forwards matching requests and cuts the connection once the
 * server has answered, so the server stores what the client never hears about.
 */
export interface FlakyProxy {
  baseUrl: string;
  upstream: string | null;
  down: boolean;
  /** How many more matching answers to lose. */
  loseAnswers: { match: (req: IncomingMessage) => boolean; count: number } | null;
  /** Requests that reached the server, by "METHOD path". */
  seen: string[];
  close(): Promise<void>;
}

export async function startFlakyProxy(upstream: string | null = null): Promise<FlakyProxy> {
  const proxy: FlakyProxy = { baseUrl: '', upstream, down: false, loseAnswers: null, seen: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    if (proxy.down || !proxy.upstream) return req.socket.destroy();
    const target = new URL(req.url ?? '/', proxy.upstream);
    const lose = proxy.loseAnswers && proxy.loseAnswers.count > 0 && proxy.loseAnswers.match(req);
    if (lose) proxy.loseAnswers!.count -= 1;
    proxy.seen.push(`${req.method} ${target.pathname}`);
    const out = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      if (lose) {
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => req.socket.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
