package dev.gale.encoder.model;

import dev.gale.encoder.tokenizer.Tokenizer;
import java.util.OptionalInt;

/**
 * A model's tokenizer read without its weights ({@link ModelLoader#tokenizer}).
 *
 * @param source    the file (or class path resource) the tokenizer was read from
 * @param maxLength the model's maximum tokens per text where its files say it (sentence-transformers'
 *                  max_seq_length, the built-in model's, tokenizer_config.json's model_max_length, the
 *                  tokenizer's truncation), else empty
 */
public record LoadedTokenizer(String source, Tokenizer tokenizer, OptionalInt maxLength) {}
