package dev.gale.cli;

import dev.gale.arrow.TableFormat;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Where rows come from and where results go. */
final class IoOptions {
    @Option(names = {"-i", "--input"}, paramLabel = "<file|->",
            description = "Input: Parquet, Arrow IPC (file or stream), JSONL, or one text per line (default: stdin).")
    String input = "-";

    @Option(names = {"-o", "--output"}, paramLabel = "<file|->", description = "Output file (default: stdout, as JSONL).")
    String output = "-";

    @Option(names = "--input-format", paramLabel = "<format>",
            description = "auto, text, jsonl, parquet, arrow (IPC file) or arrows (IPC stream). auto: from the file "
                    + "extension (.parquet, .arrow/.feather, .arrows, .jsonl/.ndjson), else text (default: ${DEFAULT-VALUE}).")
    String inputFormat = "auto";

    @Option(names = "--format", paramLabel = "<format>",
            description = "Output format: auto, jsonl, parquet, arrow or arrows. auto: from the output file's extension, "
                    + "else jsonl (default: ${DEFAULT-VALUE}).")
    String outputFormat = "auto";

    @Option(names = {"--column", "--text-field"}, paramLabel = "NAME",
            description = "The column (or JSONL field) holding the text (default: ${DEFAULT-VALUE}).")
    String column = "text";

    @Option(names = "--keep", split = ",", paramLabel = "COLUMN",
            description = "Input columns to copy to the output, before the new columns (e.g. --keep id,title). "
                    + "Lines (text, JSONL) have only the text (and a pair's second text) to keep; JSONL output from "
                    + "JSONL input keeps every other field anyway.")
    List<String> keep = new ArrayList<>();

    TableFormat inputFormat() {
        return inputFormat.equals("auto") ? TableFormat.ofPath(input, TableFormat.TEXT) : TableFormat.named(inputFormat);
    }

    TableFormat outputFormat() {
        return outputFormat.equals("auto") ? TableFormat.ofPath(output, TableFormat.JSONL) : TableFormat.named(outputFormat);
    }
}
