package dev.gemgate.emulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The emulator's deterministic, "honest" token counter: an approximation of Gemini's SentencePiece
 * tokenizer for English text (about 4 characters per token, one token per short word), cheap enough
 * to run on every request and simple enough that tests can compute expected counts by hand.
 *
 * <h2>The rule, exactly</h2>
 * The text is scanned by Unicode code point:
 * <ol>
 *   <li><b>Whitespace</b> ({@link Character#isWhitespace} or a space separator) counts 0 tokens
 *       (SentencePiece glues a space to the word that follows it).</li>
 *   <li><b>A word run</b> is a maximal run of letters ({@link Character#isLetter}) and combining marks,
 *       excluding the CJK scripts below. A run of {@code n} code points counts {@code ceil(n / 4)} tokens:
 *       "a", "the", "word" are 1 token, "Hello" and "world" 2, "tokenizer" 3.</li>
 *   <li><b>Each decimal digit</b> is 1 token (Gemini splits numbers into single digits): "2026" is 4.</li>
 *   <li><b>Each Han, Hiragana, Katakana or Hangul character</b> is 1 token.</li>
 *   <li><b>Every other character</b> (punctuation, symbols, emoji; one code point) is 1 token.</li>
 * </ol>
 * Examples: {@code "Hello, world!"} = 2+1+2+1 = 6; {@code "the cat sat"} = 3; {@code ""} = 0.
 *
 * <h2>Truncation and splitting</h2>
 * Token boundaries: a word run is cut every 4 code points (its k-th token ends after code point
 * {@code 4k}, the last one at the run's end); every other token is one code point. Whitespace before a
 * token belongs to that token. {@link #truncate(String, int)} keeps the text up to the end of the
 * N-th token, so {@code count(truncate(t, n)) == min(n, count(t))}; {@link #split(String, int)} cuts the
 * text into pieces of N tokens whose concatenation is the original text and whose counts add up to
 * {@code count(text)}.
 */
public final class EmulatorTokenizer {

    /** Code points per token inside a word run. */
    public static final int CHARS_PER_WORD_TOKEN = 4;

    private EmulatorTokenizer() {
    }

    /** The number of tokens in {@code text} (0 for null or empty). */
    public static int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int tokens = 0;
        int run = 0;
        int i = 0;
        int len = text.length();
        while (i < len) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isWordChar(cp)) {
                run++;
                continue;
            }
            if (run > 0) {
                tokens += (run + CHARS_PER_WORD_TOKEN - 1) / CHARS_PER_WORD_TOKEN;
                run = 0;
            }
            if (!isSpace(cp)) {
                tokens++;
            }
        }
        if (run > 0) {
            tokens += (run + CHARS_PER_WORD_TOKEN - 1) / CHARS_PER_WORD_TOKEN;
        }
        return tokens;
    }

    /**
     * The prefix of {@code text} made of its first {@code maxTokens} tokens (ending right after the last
     * kept token, trailing whitespace dropped), or {@code text} itself when it has no more than that.
     */
    public static String truncate(String text, int maxTokens) {
        if (text == null) {
            return null;
        }
        if (maxTokens <= 0) {
            return "";
        }
        int[] ends = tokenEnds(text);
        if (ends.length <= maxTokens) {
            return text;
        }
        return text.substring(0, ends[maxTokens - 1]);
    }

    /**
     * Cuts {@code text} into consecutive pieces of {@code tokensPerPiece} tokens (the last piece may hold
     * fewer, and keeps any trailing whitespace). The pieces concatenate back to {@code text}. An empty
     * text gives one empty piece.
     */
    public static List<String> split(String text, int tokensPerPiece) {
        if (tokensPerPiece <= 0) {
            throw new IllegalArgumentException("tokensPerPiece must be positive: " + tokensPerPiece);
        }
        List<String> pieces = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            pieces.add(text == null ? "" : text);
            return pieces;
        }
        int[] ends = tokenEnds(text);
        int start = 0;
        for (int t = tokensPerPiece - 1; t < ends.length - 1; t += tokensPerPiece) {
            pieces.add(text.substring(start, ends[t]));
            start = ends[t];
        }
        pieces.add(text.substring(start));
        return pieces;
    }

    /** The char index just after each token, in order. */
    static int[] tokenEnds(String text) {
        int[] ends = new int[Math.max(4, text.length())];
        int n = 0;
        int run = 0;
        int i = 0;
        int len = text.length();
        while (i < len) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isWordChar(cp)) {
                run++;
                boolean runEnds = next >= len || !isWordChar(text.codePointAt(next));
                if (run % CHARS_PER_WORD_TOKEN == 0 || runEnds) {
                    ends[n++] = next;
                }
                if (runEnds) {
                    run = 0;
                }
            } else if (!isSpace(cp)) {
                ends[n++] = next;
            }
            i = next;
        }
        return java.util.Arrays.copyOf(ends, n);
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static boolean isWordChar(int cp) {
        if (Character.isLetter(cp)) {
            return !isCjk(cp);
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isCjk(int cp) {
        if (cp < 0x1100) {
            return false;
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }
}
