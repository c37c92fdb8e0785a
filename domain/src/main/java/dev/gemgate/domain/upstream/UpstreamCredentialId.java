package dev.gemgate.domain.upstream;

public record UpstreamCredentialId(String value) {
    public UpstreamCredentialId {
        if (value == null || !value.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("an upstream credential id has 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
