package dev.bale.examples.ocr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Greedy CTC decoding and the character error rate, on hand-made cases. */
class CtcDecodingTest {
    @Test
    void greedyDecodingMergesRepeatsThenDropsBlanks() {
        assertArrayEquals(new int[] {1, 1, 2}, GreedyCtc.decode(new int[] {1, 1, 0, 1, 2, 2}, 0), "a blank keeps a doubled letter");
        assertArrayEquals(new int[] {1, 2}, GreedyCtc.decode(new int[] {0, 1, 1, 1, 2, 0, 0}, 0));
        assertArrayEquals(new int[] {3, 1, 3}, GreedyCtc.decode(new int[] {3, 1, 3}, 0));
        assertArrayEquals(new int[] {}, GreedyCtc.decode(new int[] {0, 0, 0}, 0));
        assertArrayEquals(new int[] {}, GreedyCtc.decode(new int[] {}, 0));
        assertArrayEquals(new int[] {0, 2}, GreedyCtc.decode(new int[] {0, 0, 5, 2, 2}, 5), "another blank id");
    }

    @Test
    void editDistanceCountsInsertionsDeletionsSubstitutions() {
        assertEquals(0, CharacterErrorRate.editDistance("bale", "bale"));
        assertEquals(3, CharacterErrorRate.editDistance("kitten", "sitting"));
        assertEquals(4, CharacterErrorRate.editDistance("", "text"));
        assertEquals(4, CharacterErrorRate.editDistance("text", ""));
        assertEquals(1, CharacterErrorRate.editDistance("lmdb", "lmb"));
        assertEquals(2, CharacterErrorRate.editDistance("ab", "ba"));
        assertEquals(1, CharacterErrorRate.editDistance("x\uD83D\uDE00", "x"), "a code point outside the BMP is one character");
    }

    @Test
    void characterErrorRateIsEditsOverReferenceCharacters() {
        CharacterErrorRate cer = new CharacterErrorRate();
        assertTrue(Double.isNaN(cer.rate()));
        cer.add("bale", "bale");          // 0 of 4
        cer.add("", "text");              // 4 of 4
        cer.add("sitting", "kitten");     // 3 of 6
        assertEquals(7, cer.edits());
        assertEquals(7.0 / 14, cer.rate(), 1e-12);
        CharacterErrorRate longer = new CharacterErrorRate();
        longer.add("xxxx", "a");
        assertEquals(4.0, longer.rate(), 1e-12, "insertions can take it past 100 %");
    }
}
