package dev.gemgate.domain.generation;

import java.util.Map;

/** A typed view of one part of a {@link Content}; kinds the gateway does not inspect stay {@link Other}. */
public sealed interface Part {
    record Text(String text) implements Part {
    }

    /** Bytes sent inline, base64-encoded; {@link #decodedSize()} is computed without decoding. */
    record InlineData(String mimeType, String base64) implements Part {
        public long decodedSize() {
            int len = base64.length();
            int padding = len > 0 && base64.charAt(len - 1) == '=' ? (len > 1 && base64.charAt(len - 2) == '=' ? 2 : 1) : 0;
            return (long) len / 4 * 3 - padding;
        }
    }

    record FileData(String mimeType, String fileUri) implements Part {
    }

    /** functionCall, functionResponse, executableCode and any kind Google adds later. */
    record Other(Map<String, Object> json) implements Part {
    }
}
