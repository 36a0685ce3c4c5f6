package dev.gale.springai.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gale.embedding.*}: the model and its options. Unset fields keep the model's own value.
 *
 * @param model          a built-in alias (its jar on the class path), a Hugging Face model directory or an ONNX file
 * @param device         {@code cpu} or a device id of {@code gale devices}
 * @param normalize      L2-normalize the vectors; unset for the model's choice
 * @param dimensions     keep the first N dimensions (Matryoshka, renormalized); 0 for all
 * @param threads        CPU threads; 0 for all cores
 * @param maxBatchTokens tokens per encoder pass; 0 for Gale's default (8192)
 * @param maxLength      tokens per text, longer texts truncated; 0 for the model's
 * @param prompt         text put before every input; unset for the model's default prompt, "" for none
 */
@ConfigurationProperties(prefix = GaleEmbeddingProperties.PREFIX)
public record GaleEmbeddingProperties(@DefaultValue("all-minilm-l6-v2") String model, @DefaultValue("cpu") String device,
                                      Boolean normalize, int dimensions, int threads, int maxBatchTokens, int maxLength,
                                      String prompt) {
    public static final String PREFIX = "gale.embedding";
}
