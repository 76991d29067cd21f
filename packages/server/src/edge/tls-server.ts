import { createServer, type Server } from "node:https";
import type { Logger } from "../platform/logger.ts";
import type { CertificateLookup } from "./certificate-table.ts";
import type { EdgeHandlers } from "./edge-server.ts";

export type TlsEdgeServerDeps = {
  /** The same handlers the HTTP listener uses; a request over TLS has `req.socket.encrypted`. */
  handlers: EdgeHandlers;
  certificates: CertificateLookup;
  logger: Logger;
};

/** TLS 1.2 and up, HTTP/1.1 only (the handlers speak node:http). */
const tlsOptions = { minVersion: "TLSv1.2", ALPNProtocols: ["http/1.1"] } as const;

/**
 * The edge's HTTPS listener (:8443). The certificate is chosen per connection from its SNI
 * name: the exact host, then a wildcard for its parent, then the edge's default certificate,
 * which also answers clients that send no name.
 */
export function createTlsEdgeServer(deps: TlsEdgeServerDeps): Server {
  const server = createServer(
    {
      ...tlsOptions,
      ...deps.certificates.defaultCredentials(),
      SNICallback: (servername, done) => {
        try {
          done(null, deps.certificates.contextFor(servername));
        } catch (error) {
          deps.logger.warn({ err: error, servername }, "no usable certificate for this name");
          done(error as Error);
        }
      },
    },
    deps.handlers.request,
  );
  deps.certificates.onDefaultChange(() => {
    const credentials = deps.certificates.defaultCredentials();
    if (credentials) server.setSecureContext({ ...tlsOptions, ...credentials });
  });
  server.on("tlsClientError", (error, socket) => {
    deps.logger.debug({ err: error.message }, "edge TLS handshake failed");
    socket.destroy();
  });
  server.on("clientError", (error, socket) => {
    deps.logger.debug({ err: error.message }, "edge client error");
    if (socket.writable && !socket.writableEnded) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    socket.destroy();
  });
  return server;
}
