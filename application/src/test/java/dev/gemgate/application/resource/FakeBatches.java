package dev.gemgate.application.resource;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.BatchOperation;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Google's Batch API in memory, as the emulator behaves: a job of N requests is PENDING, each get is a poll and runs
 * half of its requests, so it has SUCCEEDED after two gets; a cancel ends it with what ran. Each request's response
 * reports 10 prompt and 20 output tokens. Records every call (method, name, credential id).
 */
final class FakeBatches implements BatchesPort {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, String> bodies = new LinkedHashMap<>();
    private final Map<String, int[]> jobs = new LinkedHashMap<>(); // name -> {requests, ran, ended(0/1), cancelled}
    private int next;

    @Override
    public synchronized BatchOperation create(ModelId model, Method method, String body, UpstreamCredential credential,
                                              Duration timeout) {
        String name = "batches/job" + (++next);
        calls.add("create " + name + " " + credential.id());
        bodies.put(name, body);
        int requests = body.split("\"request\"", -1).length - 1;
        jobs.put(name, new int[] {requests, 0, 0, 0});
        return operation(name);
    }

    @Override
    public synchronized BatchOperation get(UpstreamResourceName batch, UpstreamCredential credential,
                                           Duration timeout) {
        calls.add("get " + batch + " " + credential.id());
        int[] job = job(batch);
        if (job[2] == 0) {
            job[1] = Math.min(job[0], job[1] + Math.max(1, (job[0] + 1) / 2));
            if (job[1] == job[0]) {
                job[2] = 1;
            }
        }
        return operation(batch.value());
    }

    @Override
    public synchronized void cancel(UpstreamResourceName batch, UpstreamCredential credential, Duration timeout) {
        calls.add("cancel " + batch + " " + credential.id());
        int[] job = job(batch);
        if (job[2] == 0) {
            job[2] = 1;
            job[3] = 1;
        }
    }

    @Override
    public synchronized void delete(UpstreamResourceName batch, UpstreamCredential credential, Duration timeout) {
        calls.add("delete " + batch + " " + credential.id());
        job(batch);
        jobs.remove(batch.value());
    }

    @Override
    public void readResults(UpstreamResourceName file, UpstreamCredential credential, Duration timeout,
                            Consumer<Map<String, Object>> line) {
        throw new UnsupportedOperationException("no results files here");
    }

    private int[] job(UpstreamResourceName batch) {
        int[] job = jobs.get(batch.value());
        if (job == null) {
            throw new UpstreamException(UpstreamException.Kind.NOT_FOUND, 404, "Requested entity was not found.");
        }
        return job;
    }

    private BatchOperation operation(String name) {
        int[] job = jobs.get(name);
        String state = job[2] == 0 ? (job[1] == 0 ? "BATCH_STATE_PENDING" : "BATCH_STATE_RUNNING")
                : job[3] == 1 ? "BATCH_STATE_CANCELLED" : "BATCH_STATE_SUCCEEDED";
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("@type", "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch");
        metadata.put("name", name);
        metadata.put("batchStats", Map.of("requestCount", String.valueOf(job[0]),
                "successfulRequestCount", String.valueOf(job[1])));
        metadata.put("state", state);
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("name", name);
        op.put("metadata", metadata);
        if (job[2] == 1) {
            List<Object> responses = new ArrayList<>();
            for (int i = 0; i < job[1]; i++) {
                responses.add(Map.of("response", Map.of("usageMetadata", Map.of("promptTokenCount", 10,
                        "candidatesTokenCount", 20, "totalTokenCount", 30)), "metadata", Map.of("key", "k" + i)));
            }
            metadata.put("output", Map.of("inlinedResponses", Map.of("inlinedResponses", responses)));
            op.put("done", true);
        }
        return new BatchOperation(op);
    }
}
