package dev.gemgate.adapter.gemini;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Micro-batching of embeddings (API-key mode): concurrent calls for the same model and credential that arrive within
 * the window of the first go upstream as <em>one</em> {@code batchEmbedContents} call, and each caller gets its own
 * answer, in the form of the method it asked for.
 *
 * <p><b>What is combined.</b> Every item of Gemini's batchEmbedContents is a whole {@code EmbedContentRequest}
 * ({@code model}, {@code content}, {@code taskType}, {@code title}, {@code outputDimensionality} and any field Google
 * adds), so requests with different task types or dimensions share a call: the key is only (credential, model). An
 * {@code embedContent} body becomes one item (its text with {@code "model":"models/m",} put first); a
 * {@code batchEmbedContents} body gives its items as written. A caller's items stay together, in order, in one call; a
 * caller with {@code maxRequests} items or more, or an {@code embedContent} body naming another model, goes alone.
 *
 * <p><b>When it is sent.</b> The first call for a key opens a batch and a virtual thread that sends it when the window
 * has passed or as soon as it holds {@code maxRequests} items; a call whose items do not fit sends the open batch at
 * once and opens the next. A batch of one caller is sent exactly as that caller's request (its own method and body), so
 * a quiet gateway sends what it sent before, only later by the window.
 *
 * <p><b>Deadlines.</b> Each caller waits no longer than its own timeout (then {@code TIMEOUT}, as an unbatched call whose
 * deadline passed); the combined call is bounded by the latest deadline among its callers.
 *
 * <p><b>Failures.</b> A failure of the combined call (429 with its RetryInfo, 5xx, a deadline, a rejected credential, an
 * unreadable answer) reaches every caller as its own {@link UpstreamException} (a copy each), so each caller's retries
 * and settlement go on as for an unbatched call. A 400 is different: one caller's invalid input must not fail the
 * others, so on a 400 of a combined call every caller is sent again alone (each then gets the answer, or the 400, its
 * own request earns). An answer with another number of embeddings than items is {@code PROTOCOL_ERROR} for every caller.
 *
 * <p>Google's batchEmbedContents reports no token count (neither per item nor in total), so charging is unchanged: each
 * caller is settled from its own estimate, as an unbatched call.
 */
final class EmbedBatcher {
    /** How the batcher reaches the upstream: the adapter's own calls. */
    interface Upstream {
        /** One request as it came (its own method and body): the unbatched call. */
        EmbeddingResponse alone(EmbeddingRequest request, UpstreamCredential credential, Duration timeout);

        /** POSTs {@code body} to {@code model}'s batchEmbedContents; the answer's text. */
        String batch(ModelId model, UpstreamCredential credential, String body, Duration timeout);
    }

    private record Key(UpstreamCredential credential, ModelId model) {
    }

    private record Member(EmbeddingRequest request, List<String> items, long bytes, long deadlineNanos,
                          CompletableFuture<EmbeddingResponse> result) {
    }

    /**
     * Google refuses a request body over 4 MiB ("Request payload size exceeds the limit: 4194304 bytes"): a combined
     * body stays under it (with room for the envelope), and a caller that would push it over goes in the next call.
     */
    static final long MAX_BODY_BYTES = 4_194_304 - 1024;

    private static final class Batch {
        final Key key;
        final List<Member> members = new ArrayList<>();
        final CountDownLatch full = new CountDownLatch(1);
        int items;
        long bytes;

        Batch(Key key) {
            this.key = key;
        }
    }

    private final EmbedBatching settings;
    private final JsonBodies json;
    private final Upstream upstream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Batch> open = new HashMap<>();
    private final ThreadFactory senders = Thread.ofVirtual().name("gemgate-embed-batch-", 0).factory();

    EmbedBatcher(EmbedBatching settings, JsonBodies json, Upstream upstream) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.json = Objects.requireNonNull(json, "json");
        this.upstream = Objects.requireNonNull(upstream, "upstream");
    }

    EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<List<String>> items = settings.enabled() && credential.mode() == UpstreamCredential.Mode.GEMINI_API_KEY
                ? items(request) : Optional.empty();
        long bytes = items.map(EmbedBatcher::utf8Bytes).orElse(0L);
        if (items.isEmpty() || items.get().size() >= settings.maxRequests() || bytes > MAX_BODY_BYTES / 2) {
            return upstream.alone(request, credential, timeout);
        }
        Member member = new Member(request, items.get(), bytes, deadline, new CompletableFuture<>());
        enqueue(new Key(credential, request.model()), member);
        return await(member);
    }

    private void enqueue(Key key, Member member) {
        Batch toSendNow = null;
        Batch opened = null;
        lock.lock();
        try {
            Batch batch = open.get(key);
            if (batch != null && (batch.items + member.items().size() > settings.maxRequests()
                    || batch.bytes + member.bytes() > MAX_BODY_BYTES)) {
                open.remove(key);
                toSendNow = batch;
                batch = null;
            }
            if (batch == null) {
                batch = new Batch(key);
                open.put(key, batch);
                opened = batch;
            }
            batch.members.add(member);
            batch.items += member.items().size();
            batch.bytes += member.bytes();
            if (batch.items >= settings.maxRequests()) {
                open.remove(key);
                batch.full.countDown();
            }
        } finally {
            lock.unlock();
        }
        if (toSendNow != null) {
            toSendNow.full.countDown();
        }
        if (opened != null) {
            Batch batch = opened;
            senders.newThread(() -> sendWhenDue(batch)).start();
        }
    }

    /** On the batch's own virtual thread: wait for the window (or a full batch), close it, send it. */
    private void sendWhenDue(Batch batch) {
        try {
            batch.full.await(settings.window().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            open.remove(batch.key, batch);
        } finally {
            lock.unlock();
        }
        send(batch.key.credential(), batch.key.model(), batch.members);
    }

    private void send(UpstreamCredential credential, ModelId model, List<Member> members) {
        if (members.size() == 1) {
            sendAlone(members.getFirst(), credential);
            return;
        }
        long latest = members.stream().mapToLong(Member::deadlineNanos).max().orElseThrow();
        Duration timeout = Duration.ofNanos(latest - System.nanoTime());
        try {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new UpstreamException(Kind.TIMEOUT, 0, "no time left to call the upstream");
            }
            StringBuilder body = new StringBuilder("{\"requests\":[");
            int total = 0;
            for (Member member : members) {
                for (String item : member.items()) {
                    body.append(total++ == 0 ? "" : ",").append(item);
                }
            }
            body.append("]}");
            String reply = upstream.batch(model, credential, body.toString(), timeout);
            List<String> vectors = JsonSlices.arrayElements(reply, "embeddings").orElseThrow(() ->
                    new UpstreamException(Kind.PROTOCOL_ERROR, 200,
                            "the upstream's batchEmbedContents answer has no embeddings list"));
            if (vectors.size() != total) {
                throw new UpstreamException(Kind.PROTOCOL_ERROR, 200, "the upstream returned " + vectors.size()
                        + " embeddings for " + total + " contents");
            }
            int next = 0;
            for (Member member : members) {
                List<String> own = vectors.subList(next, next + member.items().size());
                next += member.items().size();
                member.result().complete(answer(member.request(), own));
            }
        } catch (UpstreamException e) {
            if (e.kind() == Kind.INVALID_REQUEST) {
                for (Member member : members) {
                    senders.newThread(() -> sendAlone(member, credential)).start();
                }
            } else {
                for (Member member : members) {
                    member.result().completeExceptionally(e.afterAttempts(1));
                }
            }
        } catch (RuntimeException | Error e) {
            for (Member member : members) {
                member.result().completeExceptionally(e);
            }
        }
    }

    private void sendAlone(Member member, UpstreamCredential credential) {
        try {
            Duration left = Duration.ofNanos(member.deadlineNanos() - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new UpstreamException(Kind.TIMEOUT, 0, "no time left to call the upstream");
            }
            member.result().complete(upstream.alone(member.request(), credential, left));
        } catch (RuntimeException | Error e) {
            member.result().completeExceptionally(e);
        }
    }

    /** The UTF-8 size of the items, each followed by a comma (without a copy of the text). */
    private static long utf8Bytes(List<String> items) {
        long bytes = 0;
        for (String item : items) {
            bytes += 1;
            for (int i = 0; i < item.length(); i++) {
                char c = item.charAt(i);
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            }
        }
        return bytes;
    }

    private static EmbeddingResponse answer(EmbeddingRequest request, List<String> vectors) {
        String text = request.method() == EmbeddingRequest.Method.EMBED_CONTENT
                ? "{\"embedding\":" + vectors.getFirst() + "}"
                : "{\"embeddings\":[" + String.join(",", vectors) + "]}";
        return new EmbeddingResponse(text, OptionalLong.empty());
    }

    private static EmbeddingResponse await(Member member) {
        try {
            return member.result().get(Math.max(0, member.deadlineNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new UpstreamException(Kind.TIMEOUT, 0, "the upstream did not answer within the deadline");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(Kind.TIMEOUT, 0, "the upstream call was cancelled: the caller went away");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new UpstreamException(Kind.UNAVAILABLE, 0, "the upstream call failed", null, cause);
        }
    }

    /**
     * The batchEmbedContents items of a request, as text, or empty if it cannot share a call: an embedContent body
     * with {@code "model":"models/m",} put first (or as it is when it names the model itself), a batch's items as
     * written.
     */
    private Optional<List<String>> items(EmbeddingRequest request) {
        String resource = request.model().resourceName();
        if (request.method() == EmbeddingRequest.Method.BATCH_EMBED_CONTENTS) {
            List<String> written = request.originalJson()
                    .flatMap(text -> JsonSlices.arrayElements(text, "requests"))
                    .filter(list -> list.size() == request.contents().size())
                    .orElseGet(() -> JsonTree.array(request.body(), "requests").orElseThrow().stream()
                            .map(json::write).toList());
            return Optional.of(written);
        }
        Map<String, Object> body = request.body();
        if (body.containsKey("model")) {
            Object named = body.get("model");
            boolean same = named instanceof String s && ModelId.isValid(s) && ModelId.parse(s).equals(request.model());
            return same ? Optional.of(List.of(request.originalJson().orElseGet(() -> json.write(body))))
                    : Optional.empty();
        }
        Optional<String> spliced = request.originalJson().map(String::strip).filter(t -> t.startsWith("{"))
                .map(t -> {
                    String rest = t.substring(1);
                    String separator = rest.stripLeading().startsWith("}") ? "" : ",";
                    return "{\"model\":\"" + resource + "\"" + separator + rest;
                });
        if (spliced.isPresent()) {
            return Optional.of(List.of(spliced.get()));
        }
        Map<String, Object> withModel = new LinkedHashMap<>();
        withModel.put("model", resource);
        withModel.putAll(body);
        return Optional.of(List.of(json.write(withModel)));
    }
}
