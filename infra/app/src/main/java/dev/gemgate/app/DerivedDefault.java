package dev.gemgate.app;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.DefaultValuesConfigSource;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A configuration interceptor that gives one property Gemgate's own default, derived when it is read, unless the
 * property is set explicitly. Subclasses name the property and derive the value; they are registered in
 * {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}.
 */
public abstract class DerivedDefault implements ConfigSourceInterceptor {
    /**
     * The lowest ordinal of a source that counts as set explicitly: microprofile-config.properties (100),
     * application.properties (250), .env (295), the environment (300) and system properties (400). Quarkus keeps the
     * mappings' defaults and the values it recorded at build time in sources of lower ordinals
     * ({@link DefaultValuesConfigSource#ORDINAL} and just above).
     */
    static final int EXPLICIT_ORDINAL = 100;

    private final String property;

    protected DerivedDefault(String property) {
        this.property = property;
    }

    /** The value of the property where it is not set explicitly. */
    protected abstract String derive(ConfigSourceInterceptorContext context);

    @Override
    public final ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!property.equals(name) || isExplicit(value)) {
            return value;
        }
        String derived = derive(context);
        ConfigValue.ConfigValueBuilder builder = value != null ? value.from() : ConfigValue.builder().withName(name);
        return builder.withValue(derived).withRawValue(derived).build();
    }

    @Override
    public final Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(names::add);
        names.add(property);
        return names.iterator();
    }

    /** Set, and not blank, in a source of {@link #EXPLICIT_ORDINAL} or above. */
    protected static boolean isExplicit(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() >= EXPLICIT_ORDINAL;
    }
}
