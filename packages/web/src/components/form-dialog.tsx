import { type FormEvent, type ReactNode, useState } from "react";
import { Form } from "./form-field";
import { Button } from "./ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "./ui/dialog";

/**
 * A dialog around one form, opened by `trigger` or, without one, by the `open` prop. Its body
 * mounts each time it opens, so a form whose state lives in `children` starts empty every
 * time; `children` gets `close` for when the form is done.
 */
export function FormDialog({
  open,
  onOpenChange,
  trigger,
  title,
  description,
  className,
  children,
}: {
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  trigger?: ReactNode;
  title: string;
  description: ReactNode;
  className?: string;
  children: (close: () => void) => ReactNode;
}) {
  const [isOpenHere, setIsOpenHere] = useState(false);
  const isOpen = open ?? isOpenHere;
  const setOpen = (next: boolean) => {
    setIsOpenHere(next);
    onOpenChange?.(next);
  };
  return (
    <Dialog open={isOpen} onOpenChange={setOpen}>
      {trigger ? <DialogTrigger asChild>{trigger}</DialogTrigger> : null}
      <DialogContent className={className}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {children(() => setOpen(false))}
      </DialogContent>
    </Dialog>
  );
}

/** The form inside a `FormDialog`: its fields, then Cancel and the submit button. */
export function DialogForm({
  onSubmit,
  error,
  submitLabel,
  isSubmitting,
  className,
  children,
}: {
  onSubmit: (event: FormEvent) => void;
  error: string | undefined;
  submitLabel: string;
  isSubmitting: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <Form onSubmit={onSubmit} error={error} className={className}>
      {children}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline" type="button">
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" isLoading={isSubmitting}>
          {submitLabel}
        </Button>
      </DialogFooter>
    </Form>
  );
}
