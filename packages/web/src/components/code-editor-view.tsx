import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  bracketMatching,
  foldGutter,
  foldKeymap,
  HighlightStyle,
  indentOnInput,
  StreamLanguage,
  syntaxHighlighting,
} from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import { cn } from "../lib/utils";
import type { CodeEditorProps } from "./code-editor";

/**
 * The language of a file by its extension (plain text when none fits), each loaded the first
 * time a file of it opens, so the editor does not carry every grammar.
 */
async function loadLanguage(fileName: string): Promise<Extension> {
  const extension = fileName.slice(fileName.lastIndexOf(".") + 1).toLowerCase();
  switch (extension) {
    case "js":
    case "mjs":
    case "cjs":
    case "jsx":
      return (await import("@codemirror/lang-javascript")).javascript({ jsx: extension === "jsx" });
    case "ts":
    case "mts":
    case "cts":
    case "tsx":
      return (await import("@codemirror/lang-javascript")).javascript({ typescript: true, jsx: extension === "tsx" });
    case "py":
      return (await import("@codemirror/lang-python")).python();
    case "go":
      return (await import("@codemirror/lang-go")).go();
    case "rb":
      return StreamLanguage.define((await import("@codemirror/legacy-modes/mode/ruby")).ruby);
    case "json":
      return (await import("@codemirror/lang-json")).json();
    default:
      return [];
  }
}

/** The dashboard's own colors (its CSS variables), so the editor sits in a card like any other content. */
const baseTheme = EditorView.theme({
  "&": { backgroundColor: "var(--color-card)", color: "var(--color-card-foreground)", fontSize: "12.5px" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.65" },
  ".cm-content": { padding: "10px 0", caretColor: "var(--color-foreground)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--color-foreground)" },
  ".cm-gutters": {
    backgroundColor: "var(--color-card)",
    color: "color-mix(in oklab, var(--color-muted-foreground) 70%, transparent)",
    borderRight: "1px solid var(--color-border)",
  },
  ".cm-lineNumbers .cm-gutterElement": { padding: "0 10px 0 14px" },
  ".cm-activeLine": { backgroundColor: "color-mix(in oklab, var(--color-muted) 55%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "transparent", color: "var(--color-foreground)" },
  ".cm-matchingBracket, &.cm-focused .cm-matchingBracket": {
    backgroundColor: "color-mix(in oklab, var(--color-ring) 25%, transparent)",
    outline: "none",
  },
  ".cm-searchMatch": { backgroundColor: "color-mix(in oklab, var(--color-warning) 35%, transparent)" },
  ".cm-panels": { backgroundColor: "var(--color-muted)", color: "var(--color-foreground)" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--color-muted)", border: "none", color: "inherit" },
});

const selection = (color: string, isDark: boolean) =>
  EditorView.theme(
    {
      "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection":
        { backgroundColor: color },
    },
    { dark: isDark },
  );

type Palette = {
  keyword: string;
  string: string;
  comment: string;
  literal: string;
  call: string;
  type: string;
  name: string;
};

/** One highlight style per palette, active only under its theme type (GitHub's light and dark colors). */
function highlightOf(palette: Palette, themeType: "light" | "dark") {
  return HighlightStyle.define(
    [
      { tag: [tags.keyword, tags.controlKeyword, tags.moduleKeyword, tags.operatorKeyword], color: palette.keyword },
      { tag: [tags.string, tags.special(tags.string), tags.regexp], color: palette.string },
      { tag: [tags.comment, tags.lineComment, tags.blockComment], color: palette.comment, fontStyle: "italic" },
      { tag: [tags.number, tags.bool, tags.null, tags.atom], color: palette.literal },
      { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: palette.call },
      { tag: [tags.typeName, tags.className, tags.namespace], color: palette.type },
      { tag: [tags.definition(tags.variableName), tags.propertyName], color: palette.name },
      { tag: tags.invalid, color: palette.keyword, textDecoration: "underline wavy" },
    ],
    { themeType },
  );
}

const lightHighlight = highlightOf(
  {
    keyword: "#cf222e",
    string: "#0a3069",
    comment: "#6e7781",
    literal: "#0550ae",
    call: "#8250df",
    type: "#953800",
    name: "#0550ae",
  },
  "light",
);
const darkHighlight = highlightOf(
  {
    keyword: "#ff7b72",
    string: "#a5d6ff",
    comment: "#8b949e",
    literal: "#79c0ff",
    call: "#d2a8ff",
    type: "#ffa657",
    name: "#79c0ff",
  },
  "dark",
);

const lightTheme = selection("#d7e5fb", false);
const darkTheme = selection("#264f78", true);
const darkScheme = "(prefers-color-scheme: dark)";

/** The CodeMirror view behind `CodeEditor`; mount one per file (a `key`) so each has its own undo history. */
export function CodeEditorView({
  value,
  onChange,
  fileName,
  label,
  isReadOnly = false,
  isWrapped = false,
  onSubmit,
  minHeight = "12rem",
  maxHeight = "36rem",
  className,
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  /** The latest callbacks, so the editor (made once) never calls stale ones. */
  const callbacks = useRef({ onChange, onSubmit });
  callbacks.current = { onChange, onSubmit };
  const compartments = useRef({ language: new Compartment(), readOnly: new Compartment(), scheme: new Compartment() });

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is made once; the effects below follow the props.
  useEffect(() => {
    if (!host.current) return;
    const { language, readOnly, scheme } = compartments.current;
    const media = window.matchMedia(darkScheme);
    const submit = () => {
      if (!callbacks.current.onSubmit) return false;
      callbacks.current.onSubmit();
      return true;
    };
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          foldGutter(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          syntaxHighlighting(lightHighlight),
          syntaxHighlighting(darkHighlight),
          keymap.of([
            { key: "Mod-Enter", run: submit },
            { key: "Mod-s", run: submit, preventDefault: true },
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...historyKeymap,
            ...foldKeymap,
            indentWithTab,
          ]),
          baseTheme,
          isWrapped ? EditorView.lineWrapping : [],
          EditorView.theme({ "&": { maxHeight }, ".cm-content, .cm-gutter": { minHeight } }),
          scheme.of(media.matches ? darkTheme : lightTheme),
          language.of([]),
          readOnly.of([EditorState.readOnly.of(isReadOnly), EditorView.editable.of(!isReadOnly)]),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    const onScheme = () => editor.dispatch({ effects: scheme.reconfigure(media.matches ? darkTheme : lightTheme) });
    media.addEventListener("change", onScheme);
    return () => {
      media.removeEventListener("change", onScheme);
      editor.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    let isCurrent = true;
    loadLanguage(fileName).then(
      (extension) => {
        if (isCurrent) view.current?.dispatch({ effects: compartments.current.language.reconfigure(extension) });
      },
      // A grammar that fails to load leaves the text plain; the editor works without it.
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [fileName]);

  useEffect(() => {
    view.current?.dispatch({
      effects: compartments.current.readOnly.reconfigure([
        EditorState.readOnly.of(isReadOnly),
        EditorView.editable.of(!isReadOnly),
      ]),
    });
  }, [isReadOnly]);

  // A value from outside (a reset, another version loaded) replaces the text; typing does not come back here.
  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return (
    <div
      ref={host}
      data-testid="code-editor"
      data-file={fileName}
      className={cn(isReadOnly && "[&_.cm-activeLine]:bg-transparent", className)}
    />
  );
}
