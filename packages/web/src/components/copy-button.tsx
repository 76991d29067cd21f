import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { toast } from "sonner";
import { copyText } from "../lib/clipboard";
import { capitalize } from "../lib/format";
import { toastError } from "../lib/toast";
import { Button, type ButtonProps } from "./ui/button";

/** Copies `text` and says so for a moment; `label` ("webhook URL") names what is copied for screen readers and toasts. */
export function CopyButton({
  text,
  label,
  showText = false,
  size = "icon-sm",
  variant = "ghost",
  className,
}: {
  text: string;
  label: string;
  /** Shows "Copy" / "Copied" next to the icon. */
  showText?: boolean;
  size?: ButtonProps["size"];
  variant?: ButtonProps["variant"];
  className?: string;
}) {
  const [isCopied, setIsCopied] = useState(false);

  useEffect(() => {
    if (!isCopied) return;
    const timer = setTimeout(() => setIsCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [isCopied]);

  function copy() {
    copyText(text).then(() => {
      setIsCopied(true);
      toast.success(`${capitalize(label)} copied`);
    }, toastError("Couldn't copy"));
  }

  return (
    <Button
      type="button"
      variant={variant}
      size={size}
      className={className}
      onClick={copy}
      aria-label={`Copy ${label}`}
    >
      {isCopied ? <Check /> : <Copy />}
      {showText ? (isCopied ? "Copied" : "Copy") : null}
    </Button>
  );
}
