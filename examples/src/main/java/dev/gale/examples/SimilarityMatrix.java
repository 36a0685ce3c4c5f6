package dev.gale.examples;

import dev.gale.encoder.EmbeddingModel;

import java.util.List;

/** Embeds a few sentences and prints their cosine similarities (the vectors are L2-normalized). */
public final class SimilarityMatrix {
    public static void main(String[] args) {
        List<String> sentences = args.length > 0 ? List.of(args) : List.of(
                "The cat sits on the mat.",
                "A feline is resting on a rug.",
                "Stock markets fell sharply on Monday.",
                "Shares dropped at the start of the week.");
        try (EmbeddingModel model = EmbeddingModel.load("all-minilm-l6-v2")) {
            print(sentences, model.embed(sentences));
        }
    }

    /** Row i: the cosines of sentence i with every sentence, then sentence i. */
    static void print(List<String> sentences, List<float[]> vectors) {
        for (int i = 0; i < sentences.size(); i++) {
            StringBuilder row = new StringBuilder();
            for (int j = 0; j < sentences.size(); j++) {
                row.append(String.format("%6.3f", dot(vectors.get(i), vectors.get(j))));
            }
            System.out.println(row + "   " + sentences.get(i));
        }
    }

    private static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
