import {
  certificateListQuerySchema,
  certificateSchema,
  issueCertificateSchema,
  pageOf,
  uploadCertificateSchema,
} from "@slipway/contracts";
import { z } from "zod";
import type { HttpApp } from "../../platform/http.ts";
import { decodeCursor } from "../../platform/pagination.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import {
  type CertificatesDeps,
  deleteCertificate,
  issueCertificate,
  listCertificates,
  loadCertificate,
  renewCertificate,
  toCertificate,
  uploadCertificate,
} from "./certificates.service.ts";

const teamParams = z.strictObject({ teamId: z.string().max(64) });
const certificateParams = teamParams.extend({ certificateId: z.string().max(64) });
const tags = ["certificates"];
const path = "/api/v1/teams/:teamId/certificates";

export function registerCertificateRoutes(app: HttpApp, deps: CertificatesDeps) {
  const scopeOf = (request: Parameters<typeof teamOf>[0]) => ({
    ctx: contextOf(request),
    teamId: teamOf(request).teamId,
  });

  app.get(
    path,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "TLS certificates the edge serves for the team's hostnames",
        params: teamParams,
        querystring: certificateListQuerySchema,
        response: { 200: pageOf(certificateSchema) },
      },
    },
    async (request) =>
      listCertificates(
        {
          teamId: teamOf(request).teamId,
          projectId: request.query.projectId,
          limit: request.query.limit,
          cursor: decodeCursor(request.query.cursor),
        },
        deps.db,
      ),
  );

  app.get(
    `${path}/:certificateId`,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "One certificate: names, expiry, status and the progress of an ACME order",
        params: certificateParams,
        response: { 200: certificateSchema },
      },
    },
    async (request) =>
      toCertificate(await loadCertificate(teamOf(request).teamId, request.params.certificateId, deps.db)),
  );

  app.post(
    path,
    {
      config: { access: { team: "domains:manage" } },
      schema: {
        tags,
        summary: "Upload a certificate (PEM, with its chain) and its private key",
        params: teamParams,
        body: uploadCertificateSchema,
        response: { 201: certificateSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await uploadCertificate({ ...scopeOf(request), input: request.body }, deps)),
  );

  app.post(
    `${path}/issue`,
    {
      config: { access: { team: "domains:manage" } },
      schema: {
        tags,
        summary: "Issue a certificate: self-signed at once, or from the ACME CA (pending until it arrives)",
        params: teamParams,
        body: issueCertificateSchema,
        response: { 201: certificateSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await issueCertificate({ ...scopeOf(request), input: request.body }, deps)),
  );

  app.post(
    `${path}/:certificateId/renew`,
    {
      config: { access: { team: "domains:manage" } },
      schema: {
        tags,
        summary: "Renew now: self-signed at once, ACME through a new order",
        params: certificateParams,
        response: { 200: certificateSchema },
      },
    },
    async (request) => {
      const { ctx, teamId } = scopeOf(request);
      return renewCertificate(
        { actor: ctx.actor, ip: ctx.ip, teamId, certificateId: request.params.certificateId },
        deps,
      );
    },
  );

  app.delete(
    `${path}/:certificateId`,
    {
      config: { access: { team: "domains:manage" } },
      schema: {
        tags,
        summary: "Delete a certificate; the edge stops serving it",
        params: certificateParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteCertificate({ ...scopeOf(request), certificateId: request.params.certificateId }, deps);
      return reply.status(204).send(null);
    },
  );
}
