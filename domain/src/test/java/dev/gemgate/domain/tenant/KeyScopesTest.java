package dev.gemgate.domain.tenant;

import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyScopesTest {
    @Test
    void anEmptyScopeAllowsEverything() {
        KeyScopes scopes = KeyScopes.UNRESTRICTED;
        assertThat(scopes.isUnrestricted()).isTrue();
        assertThat(scopes.permitsModel(new ModelId("gemini-2.5-pro"))).isTrue();
        assertThat(scopes.permitsSurface(ApiSurface.BATCH)).isTrue();
        assertThat(scopes.permitsAddress("203.0.113.9")).isTrue();
        assertThat(scopes.permitsAddress("unknown")).isTrue();
    }

    @Test
    void modelsAreExactNamesOrPrefixes() {
        KeyScopes scopes = KeyScopes.parse(List.of("gemini-3.*", "models/gemini-2.5-flash"), List.of(), List.of());
        assertThat(scopes.modelTexts()).containsExactly("gemini-3.*", "gemini-2.5-flash");
        assertThat(scopes.permitsModel(new ModelId("gemini-3.5-flash"))).isTrue();
        assertThat(scopes.permitsModel(new ModelId("gemini-3.1-pro-preview"))).isTrue();
        assertThat(scopes.permitsModel(new ModelId("gemini-2.5-flash"))).isTrue();
        assertThat(scopes.permitsModel(new ModelId("gemini-2.5-flash-lite"))).as("exact, not a prefix").isFalse();
        assertThat(scopes.permitsModel(new ModelId("gemini-30"))).as("the dot is part of the prefix").isFalse();
        assertThat(scopes.permitsModel(new ModelId("gemini-2.5-pro"))).isFalse();
    }

    @Test
    void badModelPatternsAreRefusedByName() {
        assertThatThrownBy(() -> new ModelPattern("*")).hasMessageContaining("'*'");
        assertThatThrownBy(() -> new ModelPattern("gemini-*-pro")).hasMessageContaining("prefix ending in *");
        assertThatThrownBy(() -> new ModelPattern("Gemini-3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyScopes.parse(List.of("ok-model", "bad model"), List.of("GEMINI", "FAX"),
                List.of("10.0.0.0/33")))
                .hasMessageContaining("models: 'bad model'")
                .hasMessageContaining("surfaces: 'FAX'")
                .hasMessageContaining("addresses: '10.0.0.0/33'");
    }

    @Test
    void surfacesAreAnAllowList() {
        KeyScopes scopes = KeyScopes.parse(List.of(), List.of("gemini", "EMBEDDINGS"), List.of());
        assertThat(scopes.surfaces()).isEqualTo(Set.of(ApiSurface.GEMINI, ApiSurface.EMBEDDINGS));
        assertThat(scopes.surfaceTexts()).containsExactly("GEMINI", "EMBEDDINGS");
        assertThat(scopes.permitsSurface(ApiSurface.GEMINI)).isTrue();
        assertThat(scopes.permitsSurface(ApiSurface.OPENAI)).isFalse();
        assertThat(scopes.permitsSurface(ApiSurface.BATCH)).isFalse();
    }

    @Test
    void addressesMatchIpv4AndIpv6Blocks() {
        KeyScopes scopes = KeyScopes.parse(List.of(), List.of(), List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"));
        assertThat(scopes.permitsAddress("10.255.1.2")).isTrue();
        assertThat(scopes.permitsAddress("11.0.0.1")).isFalse();
        assertThat(scopes.permitsAddress("192.0.2.7")).isTrue();
        assertThat(scopes.permitsAddress("192.0.2.8")).isFalse();
        assertThat(scopes.permitsAddress("2001:db8:ffff::1")).isTrue();
        assertThat(scopes.permitsAddress("2001:db9::1")).isFalse();
        assertThat(scopes.permitsAddress("::ffff:10.1.2.3")).as("IPv4-mapped counts as IPv4").isTrue();
        assertThat(scopes.permitsAddress("unknown")).as("an unreadable address never passes").isFalse();
        assertThat(scopes.permitsAddress("localhost")).isFalse();
    }

    @Test
    void cidrBlocksAreParsedStrictlyAndWithoutNameLookups() {
        assertThat(AddressRange.parse("0.0.0.0/0").contains("198.51.100.1")).isTrue();
        assertThat(AddressRange.parse("::/0").contains("::1")).isTrue();
        assertThat(AddressRange.parse("::/0").contains("127.0.0.1")).as("families never mix").isFalse();
        assertThat(AddressRange.parse("172.16.0.0/12").contains("172.31.255.255")).isTrue();
        assertThat(AddressRange.parse("172.16.0.0/12").contains("172.32.0.0")).isFalse();
        assertThat(AddressRange.parse("2001:DB8::/48").toString()).isEqualTo("2001:db8:0:0:0:0:0:0/48");
        assertThat(AddressRange.parse("10.0.0.1").prefixLength()).isEqualTo(32);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.1/8")).hasMessageContaining("did you mean 10.0.0.0/8");
        assertThatThrownBy(() -> AddressRange.parse("256.0.0.0/8")).hasMessageContaining("not an IPv4 or IPv6");
        assertThatThrownBy(() -> AddressRange.parse("010.0.0.0/8")).hasMessageContaining("not an IPv4 or IPv6");
        assertThatThrownBy(() -> AddressRange.parse("example.com")).hasMessageContaining("not an IPv4 or IPv6");
        assertThatThrownBy(() -> AddressRange.parse("1.2.3")).hasMessageContaining("not an IPv4 or IPv6");
        assertThatThrownBy(() -> AddressRange.parse("2001:db8::/129")).hasMessageContaining("0 to 128");
        assertThatThrownBy(() -> AddressRange.parse("2001:zz8::/32")).hasMessageContaining("not an IPv4 or IPv6");
        assertThat(AddressRange.parse("10.0.0.0/8")).isEqualTo(AddressRange.parse(" 10.0.0.0/8 "));
    }

    @Test
    void duplicatesCollapseAndListsAreBounded() {
        KeyScopes scopes = KeyScopes.parse(List.of("a-model", "a-model"), List.of(), List.of("10.0.0.0/8", "10.0.0.0/8"));
        assertThat(scopes.modelTexts()).containsExactly("a-model");
        assertThat(scopes.addressTexts()).containsExactly("10.0.0.0/8");
        List<String> many = java.util.stream.IntStream.range(0, 101).mapToObj(i -> "m" + i).toList();
        assertThatThrownBy(() -> KeyScopes.parse(many, List.of(), List.of())).hasMessageContaining("at most 100");
    }
}
