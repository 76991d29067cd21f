import { mailMessageDetailSchema, mailMessageSchema } from "@slipway/contracts";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { apiJson } from "../lib/api";
import { cursorPagesOptions } from "../lib/pagination";

export const mailKeys = {
  all: ["mail"] as const,
  list: () => [...mailKeys.all, "list"] as const,
  detail: (mailId: string) => [...mailKeys.all, "detail", mailId] as const,
};

export function useMailMessages() {
  return useInfiniteQuery(
    cursorPagesOptions({ queryKey: mailKeys.list(), path: "/api/v1/system/mail", item: mailMessageSchema }),
  );
}

export function useMailMessage(mailId: string) {
  return useQuery({
    queryKey: mailKeys.detail(mailId),
    queryFn: ({ signal }) =>
      apiJson(`/api/v1/system/mail/${encodeURIComponent(mailId)}`, mailMessageDetailSchema, { signal }),
  });
}
