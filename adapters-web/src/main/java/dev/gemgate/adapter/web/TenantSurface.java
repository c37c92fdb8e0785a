package dev.gemgate.adapter.web;

import dev.gemgate.domain.tenant.ApiSurface;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource class of a tenant API surface: {@link TenantAuthenticationFilter} authenticates its requests from
 * the headers before any body is read, and hands the resource a {@link TenantRequest}. {@link #value()} is the surface a
 * key's scope is checked against (embedding and batch calls on it count as {@code EMBEDDINGS} and {@code BATCH}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TenantSurface {
    ApiSurface value() default ApiSurface.GEMINI;
}
