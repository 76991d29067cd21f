import { toast } from "sonner";
import { errorMessage } from "./api";

/** An `onError` that says what failed and why: "Couldn't remove Ada: last owner can't leave". */
export function toastError(what: string) {
  return (error: unknown) => {
    toast.error(`${what}: ${errorMessage(error)}`);
  };
}

/** Toasts the outcome of an action a confirm dialog awaits; rethrows so the dialog stays open. */
export async function withToasts<T>(action: Promise<T>, messages: { success: string; error: string }): Promise<T> {
  try {
    const value = await action;
    toast.success(messages.success);
    return value;
  } catch (error) {
    toastError(messages.error)(error);
    throw error;
  }
}
