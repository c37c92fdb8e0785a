package dev.gemgate.domain.resource;

import dev.gemgate.domain.upstream.UpstreamCredential;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Port: Google's Files API for one upstream credential (whose Google project holds the files it uploads). Failures are
 * {@link dev.gemgate.domain.common.UpstreamException}s, as for generation; the credential's secret never appears in
 * them, nor does an upload URL.
 */
public interface FilesPort {
    /**
     * Starts a resumable upload (Google's {@code upload/v1beta/files}, {@code X-Goog-Upload-Command: start}) with the
     * tenant's start body and upload headers, and returns the upstream's upload URL for the chunks.
     */
    UpstreamUploadUrl startUpload(UpstreamCredential credential, UploadStart start, Duration timeout);

    /**
     * Sends {@code bytes} (all of the array) at {@code offset} of the upload at {@code url}; {@code finalize} ends the
     * upload ({@code upload, finalize}) and the answer then carries the File.
     */
    ChunkAnswer uploadChunk(UpstreamCredential credential, UpstreamUploadUrl url, long offset, byte[] bytes,
                            boolean finalize, Duration timeout);

    /** The File Google answers for {@code name} ({@code files/abc}), as its JSON tree. */
    Map<String, Object> getFile(UpstreamCredential credential, UpstreamResourceName name, Duration timeout);

    /** Deletes {@code name} at Google. */
    void deleteFile(UpstreamCredential credential, UpstreamResourceName name, Duration timeout);

    /**
     * Opens {@code name}'s bytes ({@code files/{id}:download?alt=media}); the caller reads and closes the answer.
     * {@code timeout} bounds the opening (status and headers), not the reading of the body.
     */
    DownloadedFile download(UpstreamCredential credential, UpstreamResourceName name, Duration timeout);

    /**
     * What the tenant's start request said about the file: its JSON body as sent (passed through), and the
     * {@code X-Goog-Upload-Header-Content-Length}, {@code -Content-Type} and {@code X-Goog-Upload-File-Name} headers.
     */
    record UploadStart(String body, OptionalLong contentLength, Optional<String> contentType,
                       Optional<String> fileName) {
        public UploadStart {
            if (body == null || contentLength == null || contentType == null || fileName == null) {
                throw new IllegalArgumentException("upload start fields are required (empty when absent)");
            }
        }
    }

    /**
     * The upstream's resumable upload URL: whoever has it can upload into the credential's Google project, so it is
     * kept out of {@link #toString()} (logs, exception messages) and never shown to a tenant.
     */
    record UpstreamUploadUrl(String value) {
        public UpstreamUploadUrl {
            if (value == null || !(value.startsWith("https://") || value.startsWith("http://"))) {
                throw new IllegalArgumentException("an upload URL is an absolute http(s) URL");
            }
        }

        @Override
        public String toString() {
            return "UpstreamUploadUrl[redacted]";
        }
    }

    /** The upstream's answer to a chunk: still {@code active}, or {@code final} with the File JSON. */
    sealed interface ChunkAnswer {
        record Active() implements ChunkAnswer {
        }

        /** {@code file}: the File object (the {@code file} member of Google's final answer), as its JSON tree. */
        record Final(Map<String, Object> file) implements ChunkAnswer {
            public Final {
                if (file == null) {
                    throw new IllegalArgumentException("a final answer carries the File");
                }
            }
        }
    }

    /** A download being read: the upstream's content type and length when it sent them, and the bytes. */
    record DownloadedFile(Optional<String> contentType, OptionalLong contentLength, InputStream body)
            implements AutoCloseable {
        public DownloadedFile {
            if (contentType == null || contentLength == null || body == null) {
                throw new IllegalArgumentException("download fields are required (empty when absent)");
            }
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                // the connection is given up either way
            }
        }
    }
}
