package dev.gale.encoder.tokenizer.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gale.encoder.tokenizer.Encoding;
import dev.gale.encoder.tokenizer.PostProcessor;
import dev.gale.encoder.tokenizer.TokenizerJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code TemplateProcessing} ({@code processors/template.rs}): lays out the sequences
 * and the special tokens as the single or pair template says, each piece with its type id.
 */
public final class TemplateProcessing implements PostProcessor {

    /**
     * One template piece: sequence A ({@code sequence == 0}) or B ({@code 1}), or a special token's
     * ids and strings ({@code sequence == -1}).
     */
    public record Piece(int sequence, int[] ids, String[] tokens, int typeId) {

        public static Piece sequence(int sequence, int typeId) {
            return new Piece(sequence, new int[0], new String[0], typeId);
        }

        public static Piece special(int[] ids, String[] tokens, int typeId) {
            if (ids.length != tokens.length) {
                throw new IllegalArgumentException("a special token has " + ids.length + " ids but "
                        + tokens.length + " tokens");
            }
            return new Piece(-1, ids.clone(), tokens.clone(), typeId);
        }
    }

    private final Piece[] single;
    private final Piece[] pair;
    private final int addedSingle;
    private final int addedPair;

    public TemplateProcessing(List<Piece> single, List<Piece> pair) {
        this.single = single.toArray(Piece[]::new);
        this.pair = pair.toArray(Piece[]::new);
        this.addedSingle = countSpecial(this.single);
        this.addedPair = countSpecial(this.pair);
    }

    static TemplateProcessing fromJson(JsonNode node, String path, TokenizerJson json) {
        Map<String, Piece> specials = new HashMap<>();
        JsonNode specialNode = json.object(node, path, "special_tokens");
        for (Map.Entry<String, JsonNode> e : specialNode.properties()) {
            String at = TokenizerJson.field(path, "special_tokens") + "['" + e.getKey() + "']";
            JsonNode idsNode = json.array(e.getValue(), at, "ids");
            JsonNode tokensNode = json.array(e.getValue(), at, "tokens");
            if (idsNode.size() != tokensNode.size()) {
                throw json.error(TokenizerJson.field(at, "tokens"), "has " + tokensNode.size()
                        + " entries for " + idsNode.size() + " ids", "as many tokens as ids");
            }
            int[] ids = new int[idsNode.size()];
            String[] tokens = new String[ids.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = json.nonNegativeInt(idsNode.get(i), TokenizerJson.field(at, "ids") + "[" + i + "]");
                JsonNode token = tokensNode.get(i);
                if (!token.isTextual()) {
                    throw json.error(TokenizerJson.field(at, "tokens") + "[" + i + "]",
                            TokenizerJson.describe(token), "a string");
                }
                tokens[i] = token.textValue();
            }
            specials.put(e.getKey(), Piece.special(ids, tokens, 0));
        }
        return new TemplateProcessing(
                template(node, path, "single", false, specials, json),
                template(node, path, "pair", true, specials, json));
    }

    private static List<Piece> template(JsonNode node, String path, String name, boolean isPair,
                                        Map<String, Piece> specials, TokenizerJson json) {
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
                    default -> throw json.error(at + ".Sequence.id", "is '" + id + "'", "A or B");
                };
                if (which == 1 && !isPair) {
                    throw json.error(at + ".Sequence.id", "is 'B' in the single template", "only A");
                }
                pieces.add(Piece.sequence(which, json.nonNegativeInt(sequence, at + ".Sequence", "type_id")));
            } else if (special != null) {
                String id = json.text(special, at + ".SpecialToken", "id");
                Piece token = specials.get(id);
                if (token == null) {
                    throw json.error(at + ".SpecialToken.id", "'" + id + "' is not defined",
                            "a key of " + TokenizerJson.field(path, "special_tokens"));
                }
                pieces.add(Piece.special(token.ids(), token.tokens(),
                        json.nonNegativeInt(special, at + ".SpecialToken", "type_id")));
            } else {
                throw json.error(at, TokenizerJson.describe(entry), "{\"Sequence\": ...} or {\"SpecialToken\": ...}");
            }
        }
        return pieces;
    }

    @Override
    public int addedTokens(boolean isPair) {
        return isPair ? addedPair : addedSingle;
    }

    @Override
    public List<Encoding> processEncodings(List<Encoding> encodings, boolean addSpecialTokens) {
        Piece[] template = switch (encodings.size()) {
            case 1 -> single;
            case 2 -> pair;
            default -> throw new IllegalStateException("TemplateProcessing got " + encodings.size()
                    + " encodings; it lays out one sequence or a pair");
        };
        List<Encoding> out = new ArrayList<>(template.length);
        for (Piece piece : template) {
            if (piece.sequence() >= 0) {
                out.add(encodings.get(piece.sequence()).withTypeId(piece.typeId())
                        .withSequenceId(piece.sequence()));
            } else if (addSpecialTokens) {
                out.add(Encoding.special(piece.ids(), piece.tokens(), piece.typeId()));
            }
        }
        return out;
    }

    private static int countSpecial(Piece[] template) {
        int n = 0;
        for (Piece piece : template) {
            n += piece.ids().length;
        }
        return n;
    }
}
