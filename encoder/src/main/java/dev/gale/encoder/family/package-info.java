/**
 * One package per Hugging Face architecture, each a {@link dev.gale.encoder.family.Family} that reads the
 * {@code config.json} fields transformers reads (spelled as transformers spells them), refuses what it does not
 * implement in one line naming the file and the field, and wires the checkpoint's weight names into the modules
 * of {@link dev.gale.encoder.nn}. {@link dev.gale.encoder.family.Families} picks the family by {@code model_type}
 * and strips the task models' weight prefix ({@code roberta.}, {@code electra.}, {@code model.}, ...).
 */
package dev.gale.encoder.family;
