package dev.gale.encoder.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code TemplateProcessing} post-processor ({@code processors/template.rs}):
 * lays out the (already truncated) sequences and the special tokens as the single or pair
 * template says, each piece with its type id.
 */
final class TemplateProcessing {

    /**
     * One template piece: sequence A ({@code sequence == 0}) or B ({@code 1}), or the ids of a
     * special token ({@code sequence == -1}).
     */
    record Piece(int sequence, int[] ids, int typeId) {

        static Piece sequence(int sequence, int typeId) {
            return new Piece(sequence, new int[0], typeId);
        }

        static Piece special(int[] ids, int typeId) {
            return new Piece(-1, ids.clone(), typeId);
        }
    }

    private final Piece[] single;
    private final Piece[] pair;
    private final int addedSingle;
    private final int addedPair;

    TemplateProcessing(List<Piece> single, List<Piece> pair) {
        this.single = single.toArray(Piece[]::new);
        this.pair = pair.toArray(Piece[]::new);
        this.addedSingle = countSpecial(this.single);
        this.addedPair = countSpecial(this.pair);
    }

    /**
     * What Hugging Face does with no post-processor: the sequences end to end, A with type id
     * 0 and B with type id 1, and no special tokens.
     */
    static TemplateProcessing none() {
        return new TemplateProcessing(List.of(Piece.sequence(0, 0)),
                List.of(Piece.sequence(0, 0), Piece.sequence(1, 1)));
    }

    static TemplateProcessing fromJson(JsonNode node, String path, TokenizerJson json) {
        Map<String, int[]> specials = new HashMap<>();
        JsonNode specialNode = json.object(node, path, "special_tokens");
        for (Map.Entry<String, JsonNode> e : specialNode.properties()) {
            String at = TokenizerJson.field(path, "special_tokens") + "['" + e.getKey() + "']";
            JsonNode idsNode = json.array(e.getValue(), at, "ids");
            int[] ids = new int[idsNode.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = json.nonNegativeInt(idsNode.get(i), TokenizerJson.field(at, "ids")
                        + "[" + i + "]");
            }
            specials.put(e.getKey(), ids);
        }
        return new TemplateProcessing(
                template(node, path, "single", false, specials, json),
                template(node, path, "pair", true, specials, json));
    }

    private static List<Piece> template(JsonNode node, String path, String name, boolean isPair,
                                        Map<String, int[]> specials, TokenizerJson json) {
        JsonNode array = json.array(node, path, name);
        List<Piece> pieces = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = TokenizerJson.field(path, name) + "[" + i + "]";
            JsonNode entry = array.get(i);
            JsonNode sequence = TokenizerJson.optional(entry, "Sequence");
            JsonNode special = TokenizerJson.optional(entry, "SpecialToken");
            if (sequence != null) {
                String id = json.text(sequence, at + ".Sequence", "id");
                int which = switch (id) {
                    case "A" -> 0;
                    case "B" -> 1;
                    default -> throw json.error(at + ".Sequence.id", "is '" + id + "'",
                            "A or B");
                };
                if (which == 1 && !isPair) {
                    throw json.error(at + ".Sequence.id", "is 'B' in the single template",
                            "only A");
                }
                pieces.add(Piece.sequence(which,
                        json.nonNegativeInt(sequence, at + ".Sequence", "type_id")));
            } else if (special != null) {
                String id = json.text(special, at + ".SpecialToken", "id");
                int[] ids = specials.get(id);
                if (ids == null) {
                    throw json.error(at + ".SpecialToken.id", "'" + id + "' is not defined",
                            "a key of " + TokenizerJson.field(path, "special_tokens"));
                }
                pieces.add(Piece.special(ids,
                        json.nonNegativeInt(special, at + ".SpecialToken", "type_id")));
            } else {
                throw json.error(at, TokenizerJson.describe(entry),
                        "{\"Sequence\": ...} or {\"SpecialToken\": ...}");
            }
        }
        return pieces;
    }

    /** The number of special tokens the single or pair template adds. */
    int addedTokens(boolean isPair) {
        return isPair ? addedPair : addedSingle;
    }

    /**
     * Lays out the first {@code aLength} ids of {@code a} and, for a pair, the first
     * {@code bLength} ids of {@code b} ({@code null} for a single sequence).
     */
    Encoding apply(IntList a, int aLength, IntList b, int bLength, boolean truncated) {
        Piece[] template = b == null ? single : pair;
        int total = 0;
        for (Piece piece : template) {
            total += switch (piece.sequence()) {
                case 0 -> aLength;
                case 1 -> bLength;
                default -> piece.ids().length;
            };
        }
        int[] ids = new int[total];
        int[] typeIds = new int[total];
        int at = 0;
        for (Piece piece : template) {
            int n;
            switch (piece.sequence()) {
                case 0 -> {
                    n = aLength;
                    a.copyTo(n, ids, at);
                }
                case 1 -> {
                    n = bLength;
                    b.copyTo(n, ids, at);
                }
                default -> {
                    n = piece.ids().length;
                    System.arraycopy(piece.ids(), 0, ids, at, n);
                }
            }
            Arrays.fill(typeIds, at, at + n, piece.typeId());
            at += n;
        }
        return new Encoding(ids, typeIds, truncated);
    }

    private static int countSpecial(Piece[] template) {
        int n = 0;
        for (Piece piece : template) {
            n += piece.ids().length;
        }
        return n;
    }
}
