package dev.gemgate.adminui.portal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * Where Quarkus serves the portal's two libraries from their webjars (Maven Central's `org.webjars.npm`), by the
 * versions on the class path, so no page hard-codes one: htmx (the dashboard's live refresh) and Chart.js (the usage
 * charts). Both are scripts from this origin, as the portal's CSP requires.
 */
final class PortalAssets {
    static final String HTMX = "/webjars/htmx.org/" + webjarVersion("htmx.org") + "/dist/htmx.min.js";
    static final String CHART_JS = "/webjars/chart.js/" + webjarVersion("chart.js") + "/dist/chart.umd.js";

    private PortalAssets() {
    }

    /** The version of a webjar on the class path, from its Maven metadata. */
    static String webjarVersion(String artifact) {
        String path = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = PortalAssets.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the " + artifact + " webjar is not on the class path (" + path + ")");
            }
            Properties properties = new Properties();
            properties.load(in);
            return Optional.ofNullable(properties.getProperty("version")).orElseThrow(
                    () -> new IllegalStateException(path + " names no version"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
