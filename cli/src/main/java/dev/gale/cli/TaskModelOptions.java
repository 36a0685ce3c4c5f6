package dev.gale.cli;

import dev.gale.encoder.EncoderTask;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The model of a task command (classify, rerank, ner, fill-mask): a checkpoint with the task's head. */
final class TaskModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "<dir>",
            description = "A Hugging Face model directory (config.json, model.safetensors or a sharded index, tokenizer.json) "
                    + "with the task's head: *ForSequenceClassification (classify, rerank), *ForTokenClassification (ner), "
                    + "*ForMaskedLM (fill-mask, embed --sparse). 'gale info -m DIR' lists a checkpoint's heads.")
    String model;

    @Mixin
    RuntimeOptions runtime;

    EncoderTask.Options options(int maxBatchTokens) {
        return runtime.taskOptions(maxBatchTokens);
    }
}
