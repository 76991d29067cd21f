import { type RequestOptions, request } from "node:https";
import type { ConnectionOptions, TLSSocket } from "node:tls";

export type TlsAnswer = {
  status: number;
  body: string;
  /** What the edge presented: "DNS:a.example.com, DNS:…". */
  subjectAltName: string;
  fingerprint: string;
  /** Whether the chain verified against `ca`. */
  isAuthorized: boolean;
  alpn: string | false | null;
  protocol: string | null;
};

/**
 * One HTTPS request to the edge's TLS port as a browser for `servername` would send it (SNI
 * and Host). With `ca` the chain and name are verified; without, the certificate is only read.
 */
export function fetchOverTls(
  tlsUrl: string,
  servername: string,
  path = "/",
  options: { ca?: string } = {},
): Promise<TlsAnswer> {
  const edge = new URL(tlsUrl);
  const requestOptions: RequestOptions & ConnectionOptions = {
    host: "127.0.0.1",
    port: Number(edge.port),
    path,
    servername,
    headers: { host: `${servername}:${edge.port}` },
    agent: false,
    // A browser offers h2 first; the edge must settle on http/1.1.
    ALPNProtocols: ["h2", "http/1.1"],
    ...(options.ca ? { ca: options.ca } : { rejectUnauthorized: false }),
  };
  return new Promise((resolve, reject) => {
    const req = request(requestOptions, (res) => {
      const socket = res.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString("utf8"),
          subjectAltName: peer.subjectaltname ?? "",
          fingerprint: peer.fingerprint256,
          isAuthorized: socket.authorized,
          alpn: socket.alpnProtocol,
          protocol: socket.getProtocol(),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}
