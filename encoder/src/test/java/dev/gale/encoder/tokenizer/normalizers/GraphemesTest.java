package dev.gale.encoder.tokenizer.normalizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Graphemes against the extended-cluster test data of unicode-segmentation 1.13.2
 * ({@code tests/testdata/mod.rs}: Unicode 17.0.0's GraphemeBreakTest.txt, copied into
 * GraphemeBreakTest-17.0.0.txt). The JDK's BreakIterator (Unicode 16) gets 9 of these cases wrong.
 */
class GraphemesTest {

    @Test
    void unicode17GraphemeBreakTest() throws IOException {
        int cases = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                GraphemesTest.class.getResourceAsStream("GraphemeBreakTest-17.0.0.txt"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#")) {
                    continue;
                }
                StringBuilder text = new StringBuilder();
                List<Integer> expected = new ArrayList<>();
                for (String cluster : line.split(" ÷ ")) {
                    for (String hex : cluster.trim().split(" ")) {
                        text.appendCodePoint(Integer.parseInt(hex, 16));
                    }
                    expected.add(text.length());
                }
                List<Integer> ends = new ArrayList<>();
                for (int i = 0; i < text.length(); ) {
                    i = Graphemes.next(text, i, text.length());
                    ends.add(i);
                }
                assertEquals(expected, ends, line);
                cases++;
            }
        }
        assertEquals(766, cases);
    }
}
