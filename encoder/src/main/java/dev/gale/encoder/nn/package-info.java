/**
 * The encoder as a recipe of Hugging Face modules: {@link dev.gale.encoder.nn.Encoder} holds
 * {@link dev.gale.encoder.nn.Embeddings}, a list of {@link dev.gale.encoder.nn.EncoderLayer}s (each a
 * {@link dev.gale.encoder.nn.SelfAttention} with its {@link dev.gale.encoder.nn.PositionBias} and a
 * {@link dev.gale.encoder.nn.FeedForward}, with pre- or post-norm {@link dev.gale.encoder.nn.LayerNorm}s) and an
 * optional final norm, all over {@link dev.gale.encoder.nn.Linear}s and norms that are views of the loaded
 * tensors (a mapped file). Nothing here computes.
 *
 * <p>Why a recipe of typed records rather than a forward pass per family: the families differ in a handful
 * of choices (where the norms sit, how positions enter, whether the feed-forward is gated, which biases exist),
 * not in structure. A family package ({@code dev.gale.encoder.family.*}) reads its {@code config.json} and wires
 * its weight names into these records; each backend interprets the same records once, laying the weights out its
 * own way ({@code cpu.CpuEncoder} packs GEMM panels straight from the tensors, the TornadoVM backend uploads
 * device arrays), so adding a family touches neither backend, and a new backend gets every family at once.
 * Weights are never copied into the recipe: each backend's layout is the only copy on the heap.
 */
package dev.gale.encoder.nn;
