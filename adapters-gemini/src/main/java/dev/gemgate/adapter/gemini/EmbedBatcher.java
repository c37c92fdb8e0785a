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
 * Micro-batching of embeddings (API-key mode), <em>only under contention</em>: a call that finds nothing to share a
 * call with goes upstream at once, alone, exactly as it came; calls that arrive while a call for the same model and
 * credential is in flight wait in one open batch and go upstream together as <em>one</em> {@code batchEmbedContents}
 * call, and each caller gets its own answer, in the form of the method it asked for.
 *
 * <p><b>What is combined.</b> Every item of Gemini's batchEmbedContents is a whole {@code EmbedContentRequest}
 * ({@code model}, {@code content}, {@code taskType}, {@code title}, {@code outputDimensionality} and any field Google
 * adds), so requests with different task types or dimensions share a call: the key is only (credential, model). An
 * {@code embedContent} body becomes one item (its text with {@code "model":"models/m",} put first); a
 * {@code batchEmbedContents} body gives its items as written. A caller's items stay together, in order, in one call; a
 * caller with {@code maxRequests} items or more, or an {@code embedContent} body naming another model, goes alone.
 *
 * <p><b>When it is sent.</b> A call that finds no call of its key in flight and no open batch goes alone, at once, on
 * its own thread (no added latency when there is nothing to batch with). A call that finds one in flight opens a batch
 * (or joins the open one) and a virtual thread sends it at the first of: a call of its key in flight completes (the
 * "group commit": the next call carries everything that arrived during the last one), the window has passed since it
 * opened, it holds {@code maxRequests} items. A call whose items do not fit sends the open batch at once and opens the
 * next. A batch of one caller is sent exactly as that caller's request (its own method and body).
 *
 * <p><b>Deadlines.</b> Each caller waits no longer than its own timeout (then {@code TIMEOUT}, as an unbatched call whose
 * deadline passed). The combined call is bounded by half the time its most hurried caller has left, so that if it
 * fails by its deadline every caller still has at least half its time for its own call (below).
 *
 * <p><b>Failures.</b> The combined call is invisible to the per-caller resilience above the port (circuit breaker,
 * retries): where its failure is not clearly everyone's, every caller is sent again <em>alone</em> and gets the outcome
 * of its own real call. That is a 400 (one caller's invalid input must not fail the others), a 5xx and a deadline
 * ({@code UNAVAILABLE}, {@code TIMEOUT}: the kinds a circuit breaker counts, so that one failed combined call of N
 * callers is never N failures; each resend is one real call, counted once). A 429 (with its RetryInfo), a rejected
 * credential or an unreadable answer reaches every caller as its own {@link UpstreamException} (a copy each) without a
 * resend: they are about the credential's quota or the upstream itself, and resending would only multiply the calls
 * into a quota Google just said is spent; the upstream gate takes a burst of the same 429 as one event. An answer with
 * another number of embeddings than items is {@code PROTOCOL_ERROR} for every caller.
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
        /** Counted down when the batch is closed before its window ends (full, bumped, or a call in flight done). */
        final CountDownLatch due = new CountDownLatch(1);
        int items;
        long bytes;
        boolean closed;

        Batch(Key key) {
            this.key = key;
        }
    }

    private final EmbedBatching settings;
    private final JsonBodies json;
    private final Upstream upstream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Batch> open = new HashMap<>();
    /** Calls in flight per key (lone calls and combined calls), under {@link #lock}; a key with none is absent. */
    private final Map<Key, Integer> inFlight = new HashMap<>();
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
        Key key = new Key(credential, request.model());
        Member member = new Member(request, items.get(), bytes, deadline, new CompletableFuture<>());
        if (!enqueueUnlessAlone(key, member)) {
            try {
                return upstream.alone(request, credential, timeout);
            } finally {
                done(key);
            }
        }
        return await(member);
    }

    /**
     * Puts {@code member} in the open batch of its key (opening one if needed), or, when no call of its key is in
     * flight and no batch is open, counts it in flight and answers false: it goes alone, at once.
     */
    private boolean enqueueUnlessAlone(Key key, Member member) {
        Batch opened = null;
        lock.lock();
        try {
            Batch batch = open.get(key);
            if (batch == null && !inFlight.containsKey(key)) {
                inFlight.put(key, 1);
                return false;
            }
            if (batch != null && (batch.items + member.items().size() > settings.maxRequests()
                    || batch.bytes + member.bytes() > MAX_BODY_BYTES)) {
                close(batch);
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
                close(batch);
            }
        } finally {
            lock.unlock();
        }
        if (opened != null) {
            Batch batch = opened;
            senders.newThread(() -> sendWhenDue(batch)).start();
        }
        return true;
    }

    /** Under {@link #lock}: no one joins {@code batch} any more, it counts in flight, and its sender goes now. */
    private void close(Batch batch) {
        if (batch.closed) {
            return;
        }
        batch.closed = true;
        open.remove(batch.key, batch);
        inFlight.merge(batch.key, 1, Integer::sum);
        batch.due.countDown();
    }

    /** A call of {@code key} completed: one fewer in flight, and the batch that waited for it goes now. */
    private void done(Key key) {
        lock.lock();
        try {
            inFlight.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
            Batch waiting = open.get(key);
            if (waiting != null) {
                close(waiting);
            }
        } finally {
            lock.unlock();
        }
    }

    /** On the batch's own virtual thread: wait until it is due (or its window passed), close it, send it. */
    private void sendWhenDue(Batch batch) {
        try {
            batch.due.await(settings.window().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            close(batch);
        } finally {
            lock.unlock();
        }
        try {
            send(batch.key.credential(), batch.key.model(), batch.members);
        } finally {
            done(batch.key);
        }
    }

    private void send(UpstreamCredential credential, ModelId model, List<Member> batched) {
        long now = System.nanoTime();
        List<Member> members = new ArrayList<>(batched.size());
        for (Member member : batched) {
            if (member.deadlineNanos() - now > 0) {
                members.add(member);
            } else { // its caller has had its TIMEOUT already: not sent
                member.result().completeExceptionally(new UpstreamException(Kind.TIMEOUT, 0,
                        "the upstream did not answer within the deadline"));
            }
        }
        if (members.isEmpty()) {
            return;
        }
        if (members.size() == 1) {
            sendAlone(members.getFirst(), credential);
            return;
        }
        long earliest = members.stream().mapToLong(Member::deadlineNanos).min().orElseThrow();
        Duration timeout = Duration.ofNanos((earliest - System.nanoTime()) / 2);
        if (timeout.isNegative() || timeout.isZero()) {
            resendAlone(members, credential);
            return;
        }
        try {
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
            if (e.kind() == Kind.INVALID_REQUEST || e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT) {
                resendAlone(members, credential);
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

    /** Each caller of a combined call that failed, sent again alone (each on a thread of its own, at once). */
    private void resendAlone(List<Member> members, UpstreamCredential credential) {
        for (Member member : members) {
            senders.newThread(() -> sendAlone(member, credential)).start();
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
