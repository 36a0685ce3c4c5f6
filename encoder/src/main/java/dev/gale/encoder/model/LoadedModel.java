package dev.gale.encoder.model;

import dev.gale.encoder.PoolingConfig;
import dev.gale.encoder.tokenizer.Tokenizer;

/**
 * Everything read from a model source. The weights may be views of memory owned by the arena the loader
 * was given; the model is usable while that arena is open.
 *
 * @param pooling   the pooling the model's files (or its built-in entry) prescribe, or mean pooling
 *                  without normalization when they say nothing, as sentence-transformers does
 * @param maxLength the maximum tokens per sequence, special tokens included
 * @param format    "onnx" or "safetensors"
 */
public record LoadedModel(String name, String format, BertConfig config, WeightMap weights, Tokenizer tokenizer,
                          PoolingConfig pooling, boolean poolingFromModel, int maxLength) {}
