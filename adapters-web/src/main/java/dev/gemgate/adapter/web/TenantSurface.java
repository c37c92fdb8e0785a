package dev.gemgate.adapter.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource class of a tenant API surface: {@link TenantAuthenticationFilter} authenticates its requests from
 * the headers before any body is read, and hands the resource a {@link TenantRequest}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TenantSurface {
}
