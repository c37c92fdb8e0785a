-- The rest of a price (issue 15): the audio-input rate where it differs from the text rate, the Batch API discount
-- and explicit cached-content storage, on the effective-dated rows of V3. Rates in integer micro-dollars per 1,000,000
-- tokens (storage: per 1,000,000 tokens per hour); the discount is the fraction taken off (0.5: half price).
-- A price row is never updated or deleted once in force: a change is a new row from a later effective_from, added
-- through the admin API (POST /admin/api/v1/prices), which refuses a date in the past. The UPDATEs below fill in
-- facts of the existing rows that the table could not hold before; they change no rate that was billed.
ALTER TABLE model_prices
    ADD COLUMN audio_input_micros_per_million          bigint        NULL,
    ADD COLUMN batch_discount                          numeric(5, 4) NOT NULL DEFAULT 0.5,
    ADD COLUMN cache_storage_micros_per_million_hour   bigint        NULL,
    ADD CONSTRAINT model_prices_extra_rates_not_negative CHECK (
        (audio_input_micros_per_million IS NULL OR audio_input_micros_per_million >= 0)
        AND (cache_storage_micros_per_million_hour IS NULL OR cache_storage_micros_per_million_hour >= 0)),
    ADD CONSTRAINT model_prices_batch_discount_fraction CHECK (batch_discount BETWEEN 0 AND 1);

-- GEMINI-API.md: gemini-2.5-flash input is 0.30 for text/image/video and 1.00 for audio; 2.5 Pro's cached-content
-- storage is 4.50 per 1M tokens per hour. Every model's Batch API price is 50% (the column default).
UPDATE model_prices SET audio_input_micros_per_million = 1000000 WHERE model = 'gemini-2.5-flash';
UPDATE model_prices SET cache_storage_micros_per_million_hour = 4500000 WHERE model = 'gemini-2.5-pro';

-- An admin's price change is audited.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_type_known;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_known CHECK (type IN ('GENERATE_CONTENT',
    'STREAM_GENERATE_CONTENT', 'COUNT_TOKENS', 'LIST_MODELS', 'EMBED_CONTENT', 'AUTHENTICATION_FAILED',
    'TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_SUSPENDED', 'TENANT_RESUMED', 'TENANT_DELETED', 'API_KEY_ISSUED',
    'API_KEY_ROTATED', 'API_KEY_REVOKED', 'API_KEY_SCOPES_CHANGED', 'TENANT_RATE_LIMITS_CHANGED',
    'API_KEY_RATE_LIMITS_CHANGED', 'ADMIN_ACCESS_DENIED', 'MODEL_PRICE_ADDED'));
