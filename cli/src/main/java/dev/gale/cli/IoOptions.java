package dev.gale.cli;

import picocli.CommandLine.Option;

/** Where texts come from and where results go. */
final class IoOptions {
    enum Format { auto, text, jsonl }

    @Option(names = {"-i", "--input"}, paramLabel = "<file|->", description = "Input: one text per line, or JSONL (default: stdin).")
    String input = "-";

    @Option(names = {"-o", "--output"}, paramLabel = "<file|->", description = "Output JSONL (default: stdout).")
    String output = "-";

    @Option(names = "--input-format", paramLabel = "<auto|text|jsonl>",
            description = "text: one text per line; jsonl: one JSON object per line with a text field; "
                    + "auto: jsonl for .jsonl/.ndjson files, else text (default: ${DEFAULT-VALUE}).")
    Format inputFormat = Format.auto;

    @Option(names = "--text-field", paramLabel = "NAME", description = "The JSONL field holding the text (default: ${DEFAULT-VALUE}).")
    String textField = "text";

    boolean jsonl() {
        return switch (inputFormat) {
            case jsonl -> true;
            case text -> false;
            case auto -> input.endsWith(".jsonl") || input.endsWith(".ndjson");
        };
    }
}
