package dev.gale.encoder.tokenizer;

/**
 * One entry of tokenizer.json's {@code added_tokens}, as Hugging Face's {@code AddedToken}.
 *
 * @param id the id Hugging Face assigns to it (its vocabulary id when it has one)
 * @param content the exact text that is matched
 * @param singleWord match only when no word character touches it on either side
 * @param lstrip the match swallows the White_Space on its left
 * @param rstrip the match swallows the White_Space on its right
 * @param normalized match against the normalized text (true) or the raw input (false)
 * @param special a special token (skipped when decoding; no effect on encoding)
 */
record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
                  boolean normalized, boolean special) {

    AddedToken {
        if (content.isEmpty()) {
            throw new IllegalArgumentException("an added token cannot be empty");
        }
    }
}
