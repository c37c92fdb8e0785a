package dev.gemgate.domain.generation;

import java.util.Map;

/** A typed view of one part of a {@link Content}; kinds the gateway does not inspect stay {@link Other}. */
public sealed interface Part {
    record Text(String text) implements Part {
    }

    /**
     * Bytes sent inline, base64-encoded (padded or not); {@link #decodedSize()} is computed without decoding. The
     * options are what the part says about its processing (mediaResolution, videoMetadata.fps).
     */
    record InlineData(String mimeType, String base64, MediaOptions options) implements Part {
        public InlineData(String mimeType, String base64) {
            this(mimeType, base64, MediaOptions.NONE);
        }

        public long decodedSize() {
            return Base64Bytes.decodedSize(base64);
        }
    }

    /** A file the upstream fetches itself (Files API, Cloud Storage, an http(s) URL); passed through untouched. */
    record FileData(String mimeType, String fileUri, MediaOptions options) implements Part {
        public FileData(String mimeType, String fileUri) {
            this(mimeType, fileUri, MediaOptions.NONE);
        }
    }

    /** functionCall, functionResponse, executableCode and any kind Google adds later. */
    record Other(Map<String, Object> json) implements Part {
    }
}
