package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A google.rpc.Status error, thrown inside the handler and rendered as {@code {"error":{...}}}. */
final class ApiError extends RuntimeException {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final int code;
    final String status;
    final ArrayNode details;
    final Map<String, String> headers = new LinkedHashMap<>();

    ApiError(int code, String status, String message) {
        this(code, status, message, null);
    }

    ApiError(int code, String status, String message, ArrayNode details) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.details = details;
    }

    ApiError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** The {@code {"error":{...}}} envelope. */
    ObjectNode toJson() {
        ObjectNode root = NODES.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", getMessage());
        error.put("status", status);
        if (details != null && !details.isEmpty()) {
            error.set("details", details);
        }
        return root;
    }

    static ApiError invalidArgument(String message) {
        return new ApiError(400, "INVALID_ARGUMENT", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "NOT_FOUND", message);
    }

    /** The google.rpc status name Google pairs with an HTTP status. */
    static String statusFor(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 412 -> "FAILED_PRECONDITION";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 500 -> "INTERNAL";
            case 501 -> "UNIMPLEMENTED";
            case 502, 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> httpStatus >= 500 ? "UNKNOWN" : "FAILED_PRECONDITION";
        };
    }

    /**
     * The error a SERVER_ERROR fault produces for a call carrying {@code credentials} to {@code service}: 401 and 403 as
     * Google refuses a credential (the key never in full), anything else as {@link #serverFault(int)}.
     */
    static ApiError serverFault(int httpStatus, Credentials credentials, String service) {
        return switch (httpStatus) {
            case 401 -> credentialRejected(service);
            case 403 -> credentials.kind() == Credentials.Kind.API_KEY
                    ? consumerSuspended(credentials.value(), service)
                    : new ApiError(403, "PERMISSION_DENIED", "The caller does not have permission");
            default -> serverFault(httpStatus);
        };
    }

    /** 401 UNAUTHENTICATED as Google sends it for a credential it no longer takes (ErrorInfo ACCESS_TOKEN_EXPIRED). */
    static ApiError credentialRejected(String service) {
        ArrayNode details = NODES.arrayNode();
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "ACCESS_TOKEN_EXPIRED");
        info.put("domain", "googleapis.com");
        info.putObject("metadata").put("service", service);
        return new ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                + "access token, login cookie or other valid authentication credential. See "
                + "https://developers.google.com/identity/sign-in/web/devconsole-project.", details);
    }

    /**
     * 403 PERMISSION_DENIED "Permission denied: Consumer 'api_key:...' has been suspended." with ErrorInfo
     * CONSUMER_SUSPENDED and a LocalizedMessage, as Google sends it for a suspended key, except that the key is masked
     * to its last 4 characters (Google echoes it whole).
     */
    static ApiError consumerSuspended(String apiKey, String service) {
        String message = "Permission denied: Consumer 'api_key:" + KeyLog.mask(apiKey) + "' has been suspended.";
        ArrayNode details = NODES.arrayNode();
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "CONSUMER_SUSPENDED");
        info.put("domain", "googleapis.com");
        ObjectNode metadata = info.putObject("metadata");
        metadata.put("consumer", "projects/000000000000");
        metadata.put("service", service);
        ObjectNode localized = details.addObject();
        localized.put("@type", "type.googleapis.com/google.rpc.LocalizedMessage");
        localized.put("locale", "en-US");
        localized.put("message", message);
        return new ApiError(403, "PERMISSION_DENIED", message, details);
    }

    /** The error a SERVER_ERROR / STREAM_ERROR fault produces. */
    static ApiError serverFault(int httpStatus) {
        String message = switch (httpStatus) {
            case 500 -> "An internal error has occurred. Please retry or report in "
                    + "https://developers.generativeai.google/guide/troubleshooting";
            case 502 -> "Bad Gateway: the upstream connection failed. Please try again later.";
            case 503 -> "The model is overloaded. Please try again later.";
            case 504 -> "Deadline expired before operation could complete.";
            case 429 -> "Resource has been exhausted (e.g. check quota).";
            default -> "Emulated error " + httpStatus + ".";
        };
        return new ApiError(httpStatus, statusFor(httpStatus), message);
    }

    /**
     * 429 RESOURCE_EXHAUSTED as Google sends it: QuotaFailure (naming {@code quotaId}), Help and RetryInfo details,
     * Retry-After.
     */
    static ApiError rateLimited(String model, Duration retryDelay, String quotaId) {
        ArrayNode details = NODES.arrayNode();
        ObjectNode quota = details.addObject();
        quota.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        ObjectNode violation = quota.putArray("violations").addObject();
        violation.put("quotaMetric", quotaId.contains("PerDay")
                ? "generativelanguage.googleapis.com/generate_content_free_tier_requests"
                : "generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count");
        violation.put("quotaId", quotaId);
        ObjectNode dimensions = violation.putObject("quotaDimensions");
        dimensions.put("location", "global");
        if (model != null) {
            dimensions.put("model", model);
        }
        violation.put("quotaValue", "1000");
        ObjectNode help = details.addObject();
        help.put("@type", "type.googleapis.com/google.rpc.Help");
        ObjectNode link = help.putArray("links").addObject();
        link.put("description", "Learn more about Gemini API quotas");
        link.put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
        ObjectNode retry = details.addObject();
        retry.put("@type", "type.googleapis.com/google.rpc.RetryInfo");
        retry.put("retryDelay", protoDuration(retryDelay));
        long retryAfterSeconds = (retryDelay.toMillis() + 999) / 1000;
        return new ApiError(429, "RESOURCE_EXHAUSTED",
                "You exceeded your current quota, please check your plan and billing details. For more information on "
                        + "this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.", details)
                .header("Retry-After", Long.toString(retryAfterSeconds));
    }

    /** A protobuf Duration in its JSON form: "3s", "1.500s", "0.000250s". */
    static String protoDuration(Duration d) {
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (nanos == 0) {
            return seconds + "s";
        }
        if (nanos % 1_000_000 == 0) {
            return String.format("%d.%03ds", seconds, nanos / 1_000_000);
        }
        if (nanos % 1_000 == 0) {
            return String.format("%d.%06ds", seconds, nanos / 1_000);
        }
        return String.format("%d.%09ds", seconds, nanos);
    }

    /** 400 INVALID_ARGUMENT for a key not in the accepted set, with ErrorInfo API_KEY_INVALID. */
    static ApiError apiKeyInvalid(String service) {
        String message = "API key not valid. Please pass a valid API key.";
        ArrayNode details = NODES.arrayNode();
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "API_KEY_INVALID");
        info.put("domain", "googleapis.com");
        info.putObject("metadata").put("service", service);
        ObjectNode localized = details.addObject();
        localized.put("@type", "type.googleapis.com/google.rpc.LocalizedMessage");
        localized.put("locale", "en-US");
        localized.put("message", message);
        return new ApiError(400, "INVALID_ARGUMENT", message, details);
    }

    /** 403 for a call without any credential (Gemini Developer API). */
    static ApiError unregisteredCaller() {
        return new ApiError(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without "
                + "established identity). Please use API key or other form of API consumer identity to call this API.");
    }

    /** 401 for a Vertex call without a credential. */
    static ApiError credentialsMissing() {
        ArrayNode details = NODES.arrayNode();
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "CREDENTIALS_MISSING");
        info.put("domain", "googleapis.com");
        info.putObject("metadata").put("service", "aiplatform.googleapis.com");
        return new ApiError(401, "UNAUTHENTICATED", "Request is missing required authentication credential. Expected "
                + "OAuth 2 access token, login cookie or other valid authentication credential. See "
                + "https://developers.google.com/identity/sign-in/web/devconsole-project.", details);
    }

    /** 401 for a bearer token not in the accepted set. */
    static ApiError invalidBearer() {
        ArrayNode details = NODES.arrayNode();
        ObjectNode info = details.addObject();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", "ACCESS_TOKEN_TYPE_UNSUPPORTED");
        info.put("domain", "googleapis.com");
        return new ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                + "access token, login cookie or other valid authentication credential. See "
                + "https://developers.google.com/identity/sign-in/web/devconsole-project.", details);
    }
}
