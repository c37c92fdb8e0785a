package dev.gemgate.application.upstream;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an admin gives to add a pool credential, checked field by field: {@link #problems()} names every bad field
 * (so that the web layer can answer one 400 naming them all), and a problem never quotes the secret. {@code secret} is
 * the API key ({@link #API_KEY}) or the service-account JSON ({@link #SERVICE_ACCOUNT_JSON}); {@code toString()}
 * leaves it out.
 */
public record UpstreamCredentialSpec(String id, UpstreamCredential.Mode mode, String secret, int weight,
                                     Optional<String> baseUrl, Optional<String> vertexProject,
                                     Optional<String> vertexLocation) {
    public static final String ID = "id";
    public static final String MODE = "mode";
    public static final String API_KEY = "apiKey";
    public static final String SERVICE_ACCOUNT_JSON = "serviceAccountJson";
    public static final String WEIGHT = "weight";
    public static final String BASE_URL = "baseUrl";
    public static final String VERTEX_PROJECT = "vertexProject";
    public static final String VERTEX_LOCATION = "vertexLocation";
    public static final int MAX_API_KEY_LENGTH = 1024;
    public static final int MAX_SERVICE_ACCOUNT_JSON_LENGTH = 64 * 1024;
    public static final int MAX_BASE_URL_LENGTH = 2048;

    private static final Pattern ID_FORMAT = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Google's project ids, and the older domain-scoped ones ({@code example.com:project}). */
    private static final Pattern PROJECT_FORMAT = Pattern.compile("[a-z0-9][a-z0-9.:-]{0,127}");
    private static final Pattern LOCATION_FORMAT = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public UpstreamCredentialSpec {
        if (baseUrl == null || vertexProject == null || vertexLocation == null) {
            throw new IllegalArgumentException("use Optional.empty() for an absent field");
        }
    }

    /** The secret's field name on the wire for {@code mode}. */
    public static String secretField(UpstreamCredential.Mode mode) {
        return mode == UpstreamCredential.Mode.VERTEX_AI ? SERVICE_ACCOUNT_JSON : API_KEY;
    }

    /** Every bad field and why, in a stable order; empty when the spec is valid. */
    public Map<String, String> problems() {
        Map<String, String> problems = new LinkedHashMap<>();
        if (id == null || !ID_FORMAT.matcher(id).matches()) {
            problems.put(ID, "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (mode == null) {
            problems.put(MODE, "is required: GEMINI_API_KEY or VERTEX_AI");
            return problems;
        }
        secretProblem(mode, secret).ifPresent(p -> problems.put(secretField(mode), p));
        weightProblem(weight).ifPresent(p -> problems.put(WEIGHT, p));
        baseUrl.flatMap(UpstreamCredentialSpec::baseUrlProblem).ifPresent(p -> problems.put(BASE_URL, p));
        if (mode == UpstreamCredential.Mode.VERTEX_AI) {
            if (vertexProject.isEmpty()) {
                problems.put(VERTEX_PROJECT, "is required for VERTEX_AI: the Google Cloud project id");
            } else if (!PROJECT_FORMAT.matcher(vertexProject.get()).matches()) {
                problems.put(VERTEX_PROJECT, "must be a Google Cloud project id (lower-case letters, digits, '-')");
            }
            if (vertexLocation.isEmpty()) {
                problems.put(VERTEX_LOCATION, "is required for VERTEX_AI: a location such as us-central1 or global");
            } else if (!LOCATION_FORMAT.matcher(vertexLocation.get()).matches()) {
                problems.put(VERTEX_LOCATION, "must be a location such as us-central1 or global");
            }
        } else {
            vertexProject.ifPresent(p -> problems.put(VERTEX_PROJECT, "is only for VERTEX_AI"));
            vertexLocation.ifPresent(p -> problems.put(VERTEX_LOCATION, "is only for VERTEX_AI"));
        }
        return problems;
    }

    /** The credential to store; refused with the first bad field named when the spec is invalid. */
    public UpstreamCredential toCredential() {
        Map<String, String> problems = problems();
        if (!problems.isEmpty()) {
            Map.Entry<String, String> first = problems.entrySet().iterator().next();
            throw InvalidRequestException.forField(first.getKey(), first.getValue());
        }
        return new UpstreamCredential(new UpstreamCredentialId(id), mode, secret, baseUrl, vertexProject,
                vertexLocation);
    }

    public static Optional<String> weightProblem(int weight) {
        return weight >= 1 && weight <= CredentialEntry.MAX_WEIGHT ? Optional.empty()
                : Optional.of("must be a whole number from 1 to " + CredentialEntry.MAX_WEIGHT);
    }

    /** Why {@code secret} is not usable for {@code mode}; never quotes it. */
    static Optional<String> secretProblem(UpstreamCredential.Mode mode, String secret) {
        boolean vertex = mode == UpstreamCredential.Mode.VERTEX_AI;
        int max = vertex ? MAX_SERVICE_ACCOUNT_JSON_LENGTH : MAX_API_KEY_LENGTH;
        if (secret == null || secret.isBlank()) {
            return Optional.of(vertex ? "is required for VERTEX_AI: the service account's JSON key"
                    : "is required for GEMINI_API_KEY: the Gemini API key");
        }
        if (secret.length() > max) {
            return Optional.of("must be at most " + max + " characters");
        }
        if (vertex) {
            return secret.strip().startsWith("{") ? Optional.empty()
                    : Optional.of("must be the service account's JSON key (a JSON object)");
        }
        for (int i = 0; i < secret.length(); i++) {
            if (Character.isISOControl(secret.charAt(i)) || Character.isWhitespace(secret.charAt(i))) {
                return Optional.of("must not contain spaces or control characters");
            }
        }
        return Optional.empty();
    }

    static Optional<String> baseUrlProblem(String url) {
        String problem = "must be an absolute http or https URL such as https://generativelanguage.googleapis.com";
        if (url.length() > MAX_BASE_URL_LENGTH || url.chars().anyMatch(c -> Character.isISOControl(c) || c == ' ')) {
            return Optional.of(problem);
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.of(problem + " (no user info, query or fragment)");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of(problem);
        }
    }

    @Override
    public String toString() {
        return "UpstreamCredentialSpec[" + id + ", " + mode + ", weight " + weight + baseUrl.map(u -> ", " + u)
                .orElse("") + "]";
    }
}
