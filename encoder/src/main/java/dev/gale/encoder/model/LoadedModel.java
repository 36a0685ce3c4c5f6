package dev.gale.encoder.model;

import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.nn.Encoder;
import dev.gale.encoder.nn.TaskHeads;
import dev.gale.encoder.tokenizer.Tokenizer;

/**
 * Everything read from a model source. The weights may be views of memory owned by the arena the loader
 * was given; the model is usable while that arena is open.
 *
 * @param pooling   the pooling the model's files (or its built-in entry) prescribe, or mean pooling
 *                  without normalization when they say nothing, as sentence-transformers does
 * @param maxLength the maximum tokens per sequence, special tokens included
 * @param sentenceTransformers the directory's sentence-transformers modules after pooling, and its prompts
 * @param encoder   the family's recipe over the loaded tensors
 * @param format    "onnx" or "safetensors"
 * @param heads     the checkpoint's task heads (classification, token classification, masked LM), if any
 * @param directory the model's directory (its tokenizer_config.json, config.json), or null for a built-in model
 */
public record LoadedModel(String name, String format, Encoder encoder, Tokenizer tokenizer,
                          PoolingConfig pooling, boolean poolingFromModel, int maxLength,
                          SentenceTransformersConfig sentenceTransformers, TaskHeads heads,
                          java.nio.file.Path directory) {}
