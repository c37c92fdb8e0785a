package dev.gemgate.domain.resource;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Port: Google's Batch API for one upstream credential (the credential whose Google project holds the job). Failures
 * are {@link dev.gemgate.domain.common.UpstreamException}s, as on the generation port (a missing job is
 * {@code NOT_FOUND}, a file Google does not know {@code CREDENTIAL_REJECTED}/403 as Google answers).
 */
public interface BatchesPort {
    /** The two ways to create a job: {@code models/{m}:batchGenerateContent} and {@code :asyncBatchEmbedContent}. */
    enum Method {
        BATCH_GENERATE_CONTENT("batchGenerateContent"),
        ASYNC_BATCH_EMBED_CONTENT("asyncBatchEmbedContent");

        private final String wireName;

        Method(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** Creates a job with the caller's body ({@code {"batch":{...}}}, sent as this JSON text); Google's Operation. */
    BatchOperation create(ModelId model, Method method, String body, UpstreamCredential credential, Duration timeout);

    /** {@code GET batches/{id}}: the Operation as Google describes it now (with its results once it ended). */
    BatchOperation get(UpstreamResourceName batch, UpstreamCredential credential, Duration timeout);

    /** {@code POST batches/{id}:cancel}. */
    void cancel(UpstreamResourceName batch, UpstreamCredential credential, Duration timeout);

    /** {@code DELETE batches/{id}}. */
    void delete(UpstreamResourceName batch, UpstreamCredential credential, Duration timeout);

    /**
     * Reads a job's results file ({@code files/{id}:download?alt=media}, JSONL) line by line without holding it whole:
     * each line's object ({@code {"key":..,"response":{..}}} or {@code {"key":..,"error":{..}}}) goes to
     * {@code line}; a line that is not a JSON object is skipped.
     */
    void readResults(UpstreamResourceName file, UpstreamCredential credential, Duration timeout,
                     Consumer<Map<String, Object>> line);
}
